#!/usr/bin/env bash
# The cluster numbers of issue 14 (docs/bench/cluster.md), with the project's own ./run.sh --cluster:
#   1. memory per interactive circuit: 50 /match circuits on instance a, its VmRSS before and after;
#   2. the search mix and recommendations through HAProxy with instances a and b;
#   3. the same with instance b stopped (HAProxy's health checks take it out), i.e. one instance.
# Each part's table goes to bench/results/cluster-*.md; all three to bench/results/cluster.md.
#
#   bench/cluster-bench.sh                 # ~15 minutes on 2 cores, most of it waiting for a quiet machine
#
# Environment: COURSEMATCH_DATA (default /tmp/cm-bench-cluster) and COURSEMATCH_PORT (default 58480) as for
# run.sh; BENCH_ARGS adds options to every bench run (default: --sizes 10000 --concurrency 2,8
# --warmup-seconds 2 --duration-seconds 8); CIRCUITS (default 50). If a cluster from this data folder already
# answers on the port, it is used and left running; otherwise one is started here and stopped (and its data
# folder deleted, unless KEEP_DATA=1) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export COURSEMATCH_DATA="${COURSEMATCH_DATA:-/tmp/cm-bench-cluster}"
export COURSEMATCH_PORT="${COURSEMATCH_PORT:-58480}"
BENCH_ARGS="${BENCH_ARGS:---sizes 10000 --concurrency 2,8 --warmup-seconds 2 --duration-seconds 8}"
CIRCUITS="${CIRCUITS:-50}"
PROXY="http://127.0.0.1:$COURSEMATCH_PORT"
RUN_PID=""

cleanup() {
  trap '' INT TERM
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
    echo "==> Stopping the cluster started here (Ctrl-C to run.sh)"
    kill -INT "$RUN_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.5; done
    if [ "${KEEP_DATA:-0}" != "1" ]; then rm -rf "$COURSEMATCH_DATA" "$COURSEMATCH_DATA.run.log"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The pid listening on 127.0.0.1:$1.
listener() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }

if curl -fsS -o /dev/null --max-time 2 "$PROXY/health/ready" 2>/dev/null && [ -f "$COURSEMATCH_DATA/app-a.port" ]; then
  echo "==> Using the cluster already answering on $PROXY ($COURSEMATCH_DATA)"
else
  echo "==> Starting ./run.sh --cluster ($COURSEMATCH_DATA, port $COURSEMATCH_PORT; log $COURSEMATCH_DATA.run.log)"
  mkdir -p "$COURSEMATCH_DATA"
  setsid ./run.sh --cluster >"$COURSEMATCH_DATA.run.log" 2>&1 &
  RUN_PID=$!
  for _ in $(seq 1 1200); do
    grep -q '^==> CourseMatch cluster' "$COURSEMATCH_DATA.run.log" && break
    kill -0 "$RUN_PID" 2>/dev/null || { tail -n 30 "$COURSEMATCH_DATA.run.log" >&2; exit 1; }
    sleep 1
  done
fi

APP_A="$(cat "$COURSEMATCH_DATA/app-a.port")"; APP_B="$(cat "$COURSEMATCH_DATA/app-b.port")"
PID_A="$(listener "$APP_A")"; PID_B="$(listener "$APP_B")"
if [ -z "$PID_A" ] || [ -z "$PID_B" ]; then echo "Instances a and b must both be running (ports $APP_A, $APP_B)." >&2; exit 1; fi
# The deployment's processes, for the CPU split (ours / others): run.sh with its instances and HAProxy,
# both postmasters with their backends, Redis.
OWN="$(ps -o ppid= -p "$PID_A" | tr -d ' '),$(head -n 1 "$COURSEMATCH_DATA/pg/postmaster.pid"),$(head -n 1 "$COURSEMATCH_DATA/pg-replica/postmaster.pid"),$(cat "$COURSEMATCH_DATA/redis.pid")"
# Both hosts: the bench loads into the primary and waits for the replica (the instances read from it).
COURSEMATCH_BENCH_TARGET_DB="Host=127.0.0.1:$(cat "$COURSEMATCH_DATA/pg.port"),127.0.0.1:$(cat "$COURSEMATCH_DATA/pg-replica.port");Username=coursematch;Password=$(tr -d '\n' < "$COURSEMATCH_DATA/app.password");Database=coursematch"
export COURSEMATCH_BENCH_TARGET_DB

echo "==> Building the bench"
dotnet build bench/CourseMatch.Bench -c Release --nologo -v quiet >/dev/null
BENCH=(dotnet bench/CourseMatch.Bench/bin/Release/net10.0/CourseMatch.Bench.dll)

# shellcheck disable=SC2086  # BENCH_ARGS is a list of options
"${BENCH[@]}" $BENCH_ARGS --label "circuits" --circuits "$CIRCUITS" --circuit-url "http://127.0.0.1:$APP_A" --circuit-pid "$PID_A" --circuit-metrics "http://127.0.0.1:$(cat "$COURSEMATCH_DATA/app-a.metrics.port")/metrics" --own-pids "$OWN"
# shellcheck disable=SC2086
"${BENCH[@]}" $BENCH_ARGS --label "2 instances" --target-url "$PROXY" --own-pids "$OWN"

echo "==> Stopping instance b (pid $PID_B); HAProxy marks it down after two failed checks"
kill -TERM -- "-$PID_B" 2>/dev/null || kill -TERM "$PID_B"
for _ in $(seq 1 60); do kill -0 "$PID_B" 2>/dev/null || break; sleep 0.5; done
sleep 3
for _ in $(seq 1 20); do
  answered="$(for _ in 1 2 3 4; do curl -fsS -o /dev/null -D - --max-time 5 "$PROXY/health/ready" | tr -d '\r' | sed -n 's/^[Xx]-[Cc]ourse[Mm]atch-[Ii]nstance: //p'; done | sort -u | tr '\n' ' ')"
  [ "$answered" = "a " ] && break
  sleep 1
done
echo "    the proxy's answers now come from: $answered"
# shellcheck disable=SC2086
"${BENCH[@]}" $BENCH_ARGS --label "1 instance" --target-url "$PROXY" --own-pids "$OWN"

{
  echo "# Cluster bench results ($(date '+%Y-%m-%d %H:%M'))"
  echo
  for part in circuits 2-instances 1-instance; do cat "bench/results/cluster-$part.md"; echo; done
} > bench/results/cluster.md
echo "==> Wrote bench/results/cluster.md"
