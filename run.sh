#!/usr/bin/env bash
# Runs CourseMatch: a local PostgreSQL (unless ConnectionStrings__CourseMatch is set) → migrate → seed → serve.
set -euo pipefail
cd "$(dirname "$0")"
export COURSEMATCH_DATA="${COURSEMATCH_DATA:-.data}"
export COURSEMATCH_PORT="${COURSEMATCH_PORT:-5000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is needed: https://dot.net (then run ./run.sh again)." >&2
  exit 1
fi

source scripts/local-postgres.sh
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM -- "-$APP_PID" 2>/dev/null || kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  stop_local_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${ConnectionStrings__CourseMatch:-}" ]; then
  ensure_postgres_binaries
  start_local_postgres
  ConnectionStrings__CourseMatch="$(local_connection_string)"; export ConnectionStrings__CourseMatch
else
  echo "==> Using the database in ConnectionStrings__CourseMatch"
fi

echo "==> Building"
dotnet publish src/CourseMatch.Web -c Release -o "$COURSEMATCH_DATA/app" --nologo -v quiet >/dev/null
dotnet build src/CourseMatch.Cli -c Release -o "$COURSEMATCH_DATA/cli" --nologo -v quiet >/dev/null

echo "==> Migrating and seeding"
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" migrate
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" seed
echo "==> Training the first ranking model (only on a database without one)"
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" train --promote --if-no-model
echo "==> Training the first skill tagger (only on a database without one), then tagging untagged courses"
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" tag train --if-no-model
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" tag --untagged
echo "==> Accounts"
# Only a database without users gets demo accounts; their generated passwords are kept beside the local data.
dotnet "$COURSEMATCH_DATA/cli/coursematch.dll" users demo --write-to "$COURSEMATCH_DATA/demo-credentials.txt" >/dev/null
if [ -f "$COURSEMATCH_DATA/demo-credentials.txt" ]; then
  echo "    Demo sign-in (local only; kept in $COURSEMATCH_DATA/demo-credentials.txt):"
  sed 's/^/      /' "$COURSEMATCH_DATA/demo-credentials.txt"
fi

echo "==> CourseMatch at http://127.0.0.1:$COURSEMATCH_PORT  (Ctrl-C stops it)"
set -m
ASPNETCORE_URLS="http://127.0.0.1:$COURSEMATCH_PORT" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
  dotnet "$COURSEMATCH_DATA/app/CourseMatch.Web.dll" --contentRoot "$COURSEMATCH_DATA/app" &
APP_PID=$!
set +m
wait "$APP_PID"
