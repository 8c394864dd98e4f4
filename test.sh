#!/usr/bin/env bash
# Runs every CourseMatch test against a real PostgreSQL (each test run starts its own cluster) and real
# Chromium, installing what is missing where it can. Ends with one line: "N passed, M failed[, K skipped]".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is needed: https://dot.net (then run ./test.sh again)." >&2
  echo "0 passed, 1 failed"; exit 1
fi

source scripts/local-postgres.sh
ensure_postgres_binaries || { echo "0 passed, 1 failed"; exit 1; }
export COURSEMATCH_PG_BIN="$PG_BIN"

# Browser journeys need Chromium; Playwright cannot download its own build here, so use the distribution's.
if [ -z "${COURSEMATCH_CHROMIUM:-}" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then export COURSEMATCH_CHROMIUM="$c"; break; fi
  done
fi
if [ -z "${COURSEMATCH_CHROMIUM:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing Chromium for the browser tests (apt-get install chromium)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x /usr/bin/chromium ] && export COURSEMATCH_CHROMIUM=/usr/bin/chromium
  fi
fi
if [ -z "${COURSEMATCH_CHROMIUM:-}" ]; then
  echo "Chromium is needed for the browser tests: install it (Debian/Ubuntu: sudo apt-get install -y chromium)" >&2
  echo "or set COURSEMATCH_CHROMIUM to a Chromium or Chrome executable." >&2
  echo "0 passed, 1 failed"; exit 1
fi

# The cluster tests run real Redis and HAProxy processes on loopback beside two instances and a streaming standby.
missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$missing haproxy"
if [ -n "$missing" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing$missing for the cluster tests (apt-get install)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  # The packaged Redis service is not used (each test run starts its own on a free port).
  missing=""
  command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$missing haproxy"
fi
if [ -n "$missing" ]; then
  echo "The cluster tests need$missing: install them (Debian/Ubuntu: sudo apt-get install -y redis-server haproxy)." >&2
  echo "0 passed, 1 failed"; exit 1
fi
export PATH="$PATH:/usr/sbin"

echo "==> Building"
if ! dotnet build CourseMatch.sln -c Release --nologo -v quiet >/tmp/coursematch-build.log 2>&1; then
  cat /tmp/coursematch-build.log | grep -E "error" | sort -u | head -40
  echo "0 passed, 1 failed"; exit 1
fi

passed=0; failed=0; skipped=0; status=0
for project in tests/CourseMatch.Core.Tests tests/CourseMatch.Web.Tests tests/CourseMatch.E2E.Tests tests/CourseMatch.Cluster.Tests; do
  echo "==> $project"
  log="$(mktemp)"
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" \
    | awk '/Error Message:/ { print; if (getline > 0) print; next } /^[[:space:]]+(Failed|Skipped) |^[[:space:]]+at CourseMatch|Passed!|Failed!|error/ { print }' | head -200
  rc=${PIPESTATUS[0]}
  line="$(grep -E "(Passed|Failed)!\s+-\s+Failed:" "$log" | tail -n 1)"
  if [ -z "$line" ]; then
    echo "   $project did not report results (exit $rc)"; tail -n 40 "$log"; failed=$((failed + 1)); status=1
  else
    f=$(sed -E 's/.*Failed:\s+([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed:\s+([0-9]+).*/\1/' <<<"$line"); s=$(sed -E 's/.*Skipped:\s+([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$rc" -ne 0 ] && status=1
  fi
  rm -f "$log"
done

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -gt 0 ] && status=1
exit $status
