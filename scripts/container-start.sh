#!/bin/sh
# The CourseMatch container's start (Dockerfile): what run.sh does before it serves, then the web app.
#   COURSEMATCH_SETUP=0          skip the database steps (the cluster's instance b: instance a did them)
#   COURSEMATCH_CLI_CONNECTION   the connection string for those steps (default ConnectionStrings__CourseMatch);
#                                the cluster gives the primary alone here, the app both hosts
set -eu
cd /app
if [ "${COURSEMATCH_SETUP:-1}" = "1" ]; then
  cli() { ConnectionStrings__CourseMatch="${COURSEMATCH_CLI_CONNECTION:-$ConnectionStrings__CourseMatch}" dotnet cli/coursematch.dll "$@"; }
  cli migrate
  cli seed
  echo "==> Training the first ranking model (only on a database without one)"
  cli train --promote --if-no-model
  echo "==> Training the first skill tagger (only on a database without one), then tagging untagged courses"
  cli tag train --if-no-model
  cli tag --untagged
  # Only a database without users gets demo accounts: their generated passwords are printed this once, in the
  # container's log, and kept nowhere else.
  cli users demo
fi
exec dotnet web/CourseMatch.Web.dll --contentRoot web
