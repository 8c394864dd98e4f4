#!/usr/bin/env bash
# Runs CourseMatch: a local PostgreSQL (unless ConnectionStrings__CourseMatch is set) → migrate → seed → serve.
#   ./run.sh            one instance on 127.0.0.1:$COURSEMATCH_PORT (default 5000)
#   ./run.sh --cluster  PostgreSQL primary + streaming replica, Redis, instances a and b, HAProxy in front on
#                       $COURSEMATCH_PORT; all on loopback (scripts/cluster.sh, docs/operations.md)
set -euo pipefail
cd "$(dirname "$0")"
export COURSEMATCH_DATA="${COURSEMATCH_DATA:-.data}"
export COURSEMATCH_PORT="${COURSEMATCH_PORT:-5000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

CLUSTER=0
for arg in "$@"; do
  case "$arg" in
    --cluster) CLUSTER=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is needed: https://dot.net (then run ./run.sh again)." >&2
  exit 1
fi

source scripts/local-postgres.sh
if [ "$CLUSTER" = "1" ]; then
  source scripts/cluster.sh
  if [ -n "${ConnectionStrings__CourseMatch:-}" ]; then
    echo "./run.sh --cluster runs its own PostgreSQL primary and replica: unset ConnectionStrings__CourseMatch." >&2
    exit 2
  fi
fi
APP_PID=""
cleanup() {
  trap '' INT TERM   # a second Ctrl-C must not cut the clean-up short
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM -- "-$APP_PID" 2>/dev/null || kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ "$CLUSTER" = "1" ]; then stop_cluster; fi
  stop_local_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$CLUSTER" = "1" ]; then
  ensure_postgres_binaries
  ensure_cluster_binaries
  mkdir -p "$COURSEMATCH_DATA/logs"
  refuse_promoted_replica
  # The primary: the same cluster as the one-instance run, with the replication settings spelled out.
  PG_SERVER_OPTS="-c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10"
  start_local_postgres
  start_replica
  start_redis
  # The CLI writes: it gets the primary alone.
  ConnectionStrings__CourseMatch="$(local_connection_string)"; export ConnectionStrings__CourseMatch
elif [ -z "${ConnectionStrings__CourseMatch:-}" ]; then
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

if [ "$CLUSTER" = "1" ]; then
  # a first, alone, so that it creates the shared data-protection key ring before b reads it.
  start_instance a
  wait_ready a "http://127.0.0.1:$APP_PORT_a/health/ready"
  start_instance b
  wait_ready b "http://127.0.0.1:$APP_PORT_b/health/ready"
  start_haproxy
  print_cluster_addresses
  # An instance may stop (HAProxy sends its clients to the other); the cluster ends with HAProxy or Ctrl-C.
  wait "$HAPROXY_PID" || true
  echo "HAProxy stopped (see $COURSEMATCH_DATA/logs/haproxy.log); stopping the cluster." >&2
  exit 1
fi

echo "==> CourseMatch at http://127.0.0.1:$COURSEMATCH_PORT  (Ctrl-C stops it)"
set -m
# One instance logs to this terminal, for a person: plain lines (the cluster's instances log JSON to .data/logs).
ASPNETCORE_URLS="http://127.0.0.1:$COURSEMATCH_PORT" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
  Logging__Console__FormatterName="${Logging__Console__FormatterName:-simple}" \
  dotnet "$COURSEMATCH_DATA/app/CourseMatch.Web.dll" --contentRoot "$COURSEMATCH_DATA/app" &
APP_PID=$!
set +m
wait "$APP_PID"
