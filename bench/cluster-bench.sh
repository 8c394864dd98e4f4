#!/usr/bin/env bash
# The cluster numbers of issue 14 (docs/bench/cluster.md), with the project's own ./run.sh --cluster:
#   1. memory per interactive circuit: 50 /match circuits on instance a, its VmRSS before and after;
#   2. the search mix and recommendations through HAProxy with instances a and b, and through a second HAProxy
#      (the same scripts/cluster/haproxy.cfg, both of its servers pointed at instance a) with one instance,
#      measured back to back in alternating order, so other work on the shared machine weighs on both alike.
# Each part's table goes to bench/results/cluster-*.md; both to bench/results/cluster.md.
#
#   bench/cluster-bench.sh                 # ~15 minutes on 2 cores, most of it waiting for a quiet machine
#
# Environment: COURSEMATCH_DATA (default /tmp/cm-bench-cluster) and COURSEMATCH_PORT (default 58480) as for
# run.sh; BENCH_ARGS adds options to every bench run (default: --sizes 10000 --concurrency 2,8
# --warmup-seconds 2 --duration-seconds 8 --rounds 2); CIRCUITS (default 50); PARTS (default "circuits load"). If a cluster from this data folder already
# answers on the port, it is used and left running; otherwise one is started here and stopped (and its data
# folder deleted, unless KEEP_DATA=1) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export COURSEMATCH_DATA="${COURSEMATCH_DATA:-/tmp/cm-bench-cluster}"
export COURSEMATCH_PORT="${COURSEMATCH_PORT:-58480}"
BENCH_ARGS="${BENCH_ARGS:---sizes 10000 --concurrency 2,8 --warmup-seconds 2 --duration-seconds 8 --rounds 2}"
CIRCUITS="${CIRCUITS:-50}"
PARTS="${PARTS:-circuits load}"
PROXY="http://127.0.0.1:$COURSEMATCH_PORT"
RUN_PID=""
ONE_PID=""

cleanup() {
  trap '' INT TERM
  if [ -n "$ONE_PID" ] && kill -0 "$ONE_PID" 2>/dev/null; then
    kill -TERM -- "-$ONE_PID" 2>/dev/null || kill -TERM "$ONE_PID" 2>/dev/null || true
    wait "$ONE_PID" 2>/dev/null || true
  fi
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

if [[ " $PARTS " == *" circuits "* ]]; then
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of options
  "${BENCH[@]}" $BENCH_ARGS --label "circuits" --circuits "$CIRCUITS" --circuit-url "http://127.0.0.1:$APP_A" --circuit-pid "$PID_A" \
    --circuit-metrics "http://127.0.0.1:$(cat "$COURSEMATCH_DATA/app-a.metrics.port")/metrics" --own-pids "$OWN"
fi

if [[ " $PARTS " == *" load "* ]]; then
  # One instance behind a proxy: a second HAProxy with the repository's config, both servers instance a.
  ONE_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  set -m
  CM_PROXY_BIND="127.0.0.1:$ONE_PORT" CM_APP_A="127.0.0.1:$APP_A" CM_APP_B="127.0.0.1:$APP_A" \
    haproxy -W -db -f scripts/cluster/haproxy.cfg >>"$COURSEMATCH_DATA/logs/haproxy-one.log" 2>&1 &
  ONE_PID=$!
  set +m
  for _ in $(seq 1 40); do curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$ONE_PORT/health/ready" 2>/dev/null && break; sleep 0.5; done
  echo "==> One-instance proxy on 127.0.0.1:$ONE_PORT (pid $ONE_PID) -> instance a only"
  # shellcheck disable=SC2086
  "${BENCH[@]}" $BENCH_ARGS --label "2 instances" --target-url "$PROXY" --versus "1 instance=http://127.0.0.1:$ONE_PORT" --own-pids "$OWN,$ONE_PID"
fi

{
  echo "# Cluster bench results ($(date '+%Y-%m-%d %H:%M'))"
  echo
  for part in circuits 2-instances; do [ -f "bench/results/cluster-$part.md" ] && cat "bench/results/cluster-$part.md"; echo; done
} > bench/results/cluster.md
echo "==> Wrote bench/results/cluster.md"
