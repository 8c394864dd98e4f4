# Sourced by run.sh --cluster, after scripts/local-postgres.sh: everything around the primary that
# start_local_postgres gives. On loopback only:
#   a streaming hot-standby replica of it    $COURSEMATCH_DATA/pg-replica, port in pg-replica.port
#   Redis (no persistence, a password)       port in redis.port, password in redis.password
#   CourseMatch instances a and b            ports in app-a.port, app-b.port; metrics in app-a.metrics.port, ...
#   HAProxy in front (scripts/cluster/haproxy.cfg) on $COURSEMATCH_PORT
# Logs go to $COURSEMATCH_DATA/logs. stop_cluster stops what these functions started, newest first.

CLUSTER_SLOT=coursematch_replica
CLUSTER_APP_PIDS=()        # "name:pid" of each instance started here
HAPROXY_PID=""
REDIS_STARTED_HERE=0
PG_REPLICA_STARTED_HERE=0
APP_PORT_a="" APP_PORT_b="" METRICS_PORT_a="" METRICS_PORT_b=""   # set by start_instance

# redis-server and haproxy from the distribution: installed with apt where we are root, else named.
ensure_cluster_binaries() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing ${missing[*]} (apt-get install)…"
    # Where systemd runs, the packages also start their own services (Redis on 6379); the cluster does not use
    # them: it starts its own processes on its own ports.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    local m
    for m in "${missing[@]}"; do
      command -v "$m" >/dev/null 2>&1 || { echo "Installing $m did not give a $m command." >&2; return 1; }
    done
    return 0
  fi
  echo "./run.sh --cluster needs: ${missing[*]}." >&2
  echo "Install them (Debian/Ubuntu: sudo apt-get install -y ${missing[*]}) and run it again." >&2
  return 1
}

# The PostgreSQL system identifier of the cluster in $1 (a replica made from a primary shares it).
pg_system_id() {
  pg_as_owner "$PG_BIN/pg_controldata" -D "$1" 2>/dev/null | sed -n 's/^Database system identifier:[[:space:]]*//p'
}

# The primary keeps the WAL its replica still needs, up to a bound, so a replica left stopped cannot fill the disk.
prepare_primary_for_replication() {
  pg_psql -d postgres >/dev/null <<'SQL'
ALTER SYSTEM SET max_slot_wal_keep_size = '2GB';
SELECT pg_reload_conf();
SQL
}

# A promoted replica is a primary: refuse it before anything starts (starting the old primary beside it
# would give two servers that both accept writes).
refuse_promoted_replica() {
  local dir="$COURSEMATCH_DATA/pg-replica"
  if [ -f "$dir/PG_VERSION" ] && [ ! -f "$dir/standby.signal" ]; then
    # Never overwrite it: it may hold writes the old primary in $COURSEMATCH_DATA/pg never saw.
    echo "The replica in $dir has been promoted (no standby.signal): it is a primary now." >&2
    echo "See docs/operations.md (the primary is lost): make it the primary, or move it aside to get a new replica." >&2
    return 1
  fi
}

# A replica in $COURSEMATCH_DATA/pg-replica: made with pg_basebackup on first start (or when it no longer
# fits its primary), reused after. Streams from the primary through the replication slot.
start_replica() {
  PG_REPLICA_DIR="$COURSEMATCH_DATA/pg-replica"
  prepare_primary_for_replication
  local rebuild=0 slot_state
  slot_state="$(pg_psql -d postgres -tAc "SELECT coalesce(wal_status, 'unknown') FROM pg_replication_slots WHERE slot_name = '$CLUSTER_SLOT'")"
  if [ -f "$PG_REPLICA_DIR/PG_VERSION" ]; then
    if ! refuse_promoted_replica; then
      return 1
    elif [ "$(pg_system_id "$PG_REPLICA_DIR")" != "$(pg_system_id "$PG_DIR")" ]; then
      echo "==> The replica in $PG_REPLICA_DIR was made from another primary: making it again"; rebuild=1
    elif [ -z "$slot_state" ] || [ "$slot_state" = "lost" ]; then
      echo "==> The primary no longer keeps the WAL the replica needs (slot $CLUSTER_SLOT: ${slot_state:-missing}): making it again"; rebuild=1
    fi
  fi
  if [ "$rebuild" = "1" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_REPLICA_DIR"
  fi
  if [ ! -f "$PG_REPLICA_DIR/PG_VERSION" ]; then
    if [ -n "$slot_state" ]; then
      pg_psql -d postgres -tAc "SELECT pg_drop_replication_slot('$CLUSTER_SLOT') FROM pg_replication_slots WHERE slot_name = '$CLUSTER_SLOT' AND NOT active" >/dev/null
    fi
    echo "==> Copying the primary into a streaming replica in $PG_REPLICA_DIR (pg_basebackup)"
    rm -rf "$PG_REPLICA_DIR"
    mkdir -p "$PG_REPLICA_DIR"
    if [ "$(id -u)" = "0" ]; then chown postgres "$PG_REPLICA_DIR"; fi
    chmod 700 "$PG_REPLICA_DIR"
    # -R writes standby.signal and primary_conninfo (with the replicator's password) into the copy, which
    # only the postgres account can read; -C -S creates the slot that keeps the WAL the replica still needs.
    # (The primary's socket lives in its data folder: pg_basebackup skips it and says so; that line is dropped.)
    PGPASSWORD="$(secret replication)" pg_as_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U replicator \
      -D "$PG_REPLICA_DIR" -R -X stream -C -S "$CLUSTER_SLOT" --checkpoint=fast 2> >(grep -v 'skipping special file' >&2)
  fi
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" status >/dev/null 2>&1; then
    PG_REPLICA_PORT="$(cat "$COURSEMATCH_DATA/pg-replica.port")"
    echo "==> Reusing the replica already running on port $PG_REPLICA_PORT"
    return 0
  fi
  # The primary's port may have changed since the copy: point the replica at today's.
  pg_as_owner sed -i -E "s/^(primary_conninfo = '.*[[:space:]]?)port=[0-9]+/\1port=$PG_PORT/" "$PG_REPLICA_DIR/postgresql.auto.conf"
  PG_REPLICA_PORT="$(remembered_port pg-replica)"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -l "$PG_REPLICA_DIR/server.log" -w -t 120 \
    -o "-p $PG_REPLICA_PORT -c listen_addresses=127.0.0.1 -k $PG_REPLICA_DIR -c hot_standby=on" start >/dev/null
  PG_REPLICA_STARTED_HERE=1
  if [ "$(PSQL_PORT="$PG_REPLICA_PORT" pg_psql -d postgres -tAc 'SELECT pg_is_in_recovery()')" != "t" ]; then
    echo "The PostgreSQL on port $PG_REPLICA_PORT is not a standby (see $PG_REPLICA_DIR/server.log)." >&2
    return 1
  fi
  echo "==> Streaming replica (hot standby) listening on 127.0.0.1:$PG_REPLICA_PORT"
}

stop_replica() {
  if [ "$PG_REPLICA_STARTED_HERE" = "1" ]; then
    echo "==> Stopping the replica"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
    PG_REPLICA_STARTED_HERE=0
  fi
}

# Redis on loopback with a generated password, no persistence (it holds counters and caches only).
start_redis() {
  local pidfile="$COURSEMATCH_DATA/redis.pid" conf="$COURSEMATCH_DATA/redis.conf" password
  password="$(secret redis)"
  REDIS_PID_FILE="$pidfile"
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    REDIS_PORT="$(cat "$COURSEMATCH_DATA/redis.port")"
    echo "==> Reusing the Redis already running on port $REDIS_PORT"
  else
    REDIS_PORT="$(remembered_port redis)"
    # A file, not arguments: the password stays out of ps.
    (umask 077 && cat > "$conf" <<EOF
# Written by scripts/cluster.sh on each ./run.sh --cluster
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
save ""
appendonly no
daemonize yes
pidfile $pidfile
logfile $COURSEMATCH_DATA/logs/redis.log
dir $COURSEMATCH_DATA
requirepass $password
EOF
    )
    rm -f "$pidfile"
    redis-server "$conf"
    REDIS_STARTED_HERE=1
  fi
  local i
  for i in $(seq 1 50); do
    if REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      echo "==> Redis listening on 127.0.0.1:$REDIS_PORT"
      export CourseMatch__Redis="127.0.0.1:$REDIS_PORT,password=$password,abortConnect=false"
      return 0
    fi
    sleep 0.2
  done
  echo "Redis did not answer on port $REDIS_PORT (see $COURSEMATCH_DATA/logs/redis.log)." >&2
  return 1
}

stop_redis() {
  if [ "$REDIS_STARTED_HERE" = "1" ] && [ -s "$REDIS_PID_FILE" ]; then
    echo "==> Stopping Redis"
    local pid; pid="$(cat "$REDIS_PID_FILE")"
    kill -TERM "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    REDIS_STARTED_HERE=0
  fi
}

# start_instance NAME: one CourseMatch process on its own port and metrics port, logging to logs/app-NAME.log.
# Reads PG_PORT, PG_REPLICA_PORT, CourseMatch__Redis. Sets APP_PORT_<NAME> and METRICS_PORT_<NAME>.
start_instance() {
  local name="$1" port metrics pid
  port="$(remembered_port "app-$name")"
  metrics="$(remembered_port "app-$name.metrics")"
  printf -v "APP_PORT_$name" '%s' "$port"
  printf -v "METRICS_PORT_$name" '%s' "$metrics"
  set -m   # its own process group, so stopping it stops anything it starts
  ConnectionStrings__CourseMatch="$(local_connection_string "127.0.0.1:$PG_PORT,127.0.0.1:$PG_REPLICA_PORT")" \
  CourseMatch__Instance="$name" \
  CourseMatch__KnownProxies="127.0.0.1" \
  CourseMatch__MetricsPort="$metrics" \
  ASPNETCORE_URLS="http://127.0.0.1:$port" \
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
    dotnet "$COURSEMATCH_DATA/app/CourseMatch.Web.dll" --contentRoot "$COURSEMATCH_DATA/app" \
    >>"$COURSEMATCH_DATA/logs/app-$name.log" 2>&1 &
  pid=$!
  set +m
  CLUSTER_APP_PIDS+=("$name:$pid")
  echo "==> Instance $name starting on 127.0.0.1:$port (pid $pid, log $COURSEMATCH_DATA/logs/app-$name.log)"
}

# wait_ready NAME URL [SECONDS]: until URL answers 200, while instance NAME is alive.
wait_ready() {
  local name="$1" url="$2" limit="${3:-120}" pid="" entry i
  for entry in "${CLUSTER_APP_PIDS[@]}"; do [ "${entry%%:*}" = "$name" ] && pid="${entry#*:}"; done
  for i in $(seq 1 $((limit * 2))); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "Instance $name stopped before it was ready; the end of its log:" >&2
      tail -n 30 "$COURSEMATCH_DATA/logs/app-$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$url did not answer 200 within $limit s; the end of the log:" >&2
  tail -n 30 "$COURSEMATCH_DATA/logs/app-$name.log" >&2
  return 1
}

stop_instances() {
  local i entry name pid
  for ((i = ${#CLUSTER_APP_PIDS[@]} - 1; i >= 0; i--)); do
    entry="${CLUSTER_APP_PIDS[$i]}"; name="${entry%%:*}"; pid="${entry#*:}"
    if kill -0 "$pid" 2>/dev/null; then
      echo "==> Stopping instance $name"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  CLUSTER_APP_PIDS=()
}

# HAProxy in master-worker mode, in the foreground of its own process group, with the committed config.
# `kill -USR2 $(cat $COURSEMATCH_DATA/haproxy.pid)` reloads the config without dropping connections.
start_haproxy() {
  local cfg="scripts/cluster/haproxy.cfg"
  export CM_PROXY_BIND="127.0.0.1:$COURSEMATCH_PORT"
  export CM_APP_A="127.0.0.1:$APP_PORT_a" CM_APP_B="127.0.0.1:$APP_PORT_b"
  haproxy -c -q -f "$cfg" || { echo "HAProxy refused $cfg." >&2; return 1; }
  set -m
  haproxy -W -db -f "$cfg" -p "$COURSEMATCH_DATA/haproxy.pid" >>"$COURSEMATCH_DATA/logs/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  set +m
  local i
  for i in $(seq 1 40); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$COURSEMATCH_PORT/health/ready" 2>/dev/null; then
      echo "==> HAProxy listening on 127.0.0.1:$COURSEMATCH_PORT (pid $HAPROXY_PID, log $COURSEMATCH_DATA/logs/haproxy.log)"
      return 0
    fi
    kill -0 "$HAPROXY_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "HAProxy did not forward to a ready instance on port $COURSEMATCH_PORT; the end of its log:" >&2
  tail -n 20 "$COURSEMATCH_DATA/logs/haproxy.log" >&2
  return 1
}

stop_haproxy() {
  if [ -n "$HAPROXY_PID" ] && kill -0 "$HAPROXY_PID" 2>/dev/null; then
    echo "==> Stopping HAProxy"
    kill -TERM -- "-$HAPROXY_PID" 2>/dev/null || kill -TERM "$HAPROXY_PID" 2>/dev/null || true
    wait "$HAPROXY_PID" 2>/dev/null || true
    rm -f "$COURSEMATCH_DATA/haproxy.pid"
  fi
  HAPROXY_PID=""
}

# Everything this file started, newest first; the primary is run.sh's (stop_local_postgres).
stop_cluster() {
  stop_haproxy
  stop_instances
  stop_redis
  stop_replica
}

print_cluster_addresses() {
  cat <<EOF
==> CourseMatch cluster  (Ctrl-C stops all of it)
    proxy (HAProxy)     http://127.0.0.1:$COURSEMATCH_PORT          <- use this one
    instance a          http://127.0.0.1:$APP_PORT_a   metrics http://127.0.0.1:$METRICS_PORT_a/metrics
    instance b          http://127.0.0.1:$APP_PORT_b   metrics http://127.0.0.1:$METRICS_PORT_b/metrics
    PostgreSQL primary  127.0.0.1:$PG_PORT   replica (hot standby) 127.0.0.1:$PG_REPLICA_PORT
    Redis               127.0.0.1:$REDIS_PORT
    secrets             $COURSEMATCH_DATA/*.password, pgpass (owner only)
    logs                $COURSEMATCH_DATA/logs/
EOF
}
