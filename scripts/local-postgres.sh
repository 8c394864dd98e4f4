# Sourced by run.sh: a local PostgreSQL cluster under $COURSEMATCH_DATA/pg, from the machine's binaries.
# Sets PG_BIN, PG_DIR, PG_PORT; defines pg_as_owner, ensure_postgres_binaries, start_local_postgres, stop_local_postgres.

ensure_postgres_binaries() {
  PG_BIN=""
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then PG_BIN="$d"; break; fi
  done
  if [ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1; then PG_BIN="$(dirname "$(command -v initdb)")"; fi
  if [ -n "$PG_BIN" ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing PostgreSQL server binaries (apt-get install postgresql postgresql-contrib)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
    ensure_postgres_binaries
    return $?
  fi
  echo "PostgreSQL server binaries (initdb, pg_ctl) are not installed." >&2
  echo "Install them (Debian/Ubuntu: sudo apt-get install -y postgresql postgresql-contrib)," >&2
  echo "or point ConnectionStrings__CourseMatch at a PostgreSQL 15+ server you already run." >&2
  return 1
}

# PostgreSQL refuses to run as root: as root, run its tools as the postgres user.
pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

start_local_postgres() {
  mkdir -p "$COURSEMATCH_DATA"
  COURSEMATCH_DATA="$(cd "$COURSEMATCH_DATA" && pwd)"   # absolute: the socket path and pg_ctl need it
  PG_DIR="$COURSEMATCH_DATA/pg"
  mkdir -p "$COURSEMATCH_DATA"
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    echo "==> Creating a local PostgreSQL cluster in $PG_DIR"
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DIR"; fi
    chmod 700 "$PG_DIR"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    PG_PORT="$(cat "$COURSEMATCH_DATA/pg.port")"
    PG_STARTED_HERE=0
    echo "==> Reusing the local PostgreSQL already running on port $PG_PORT"
    return 0
  fi
  PG_PORT="$(cat "$COURSEMATCH_DATA/pg.port" 2>/dev/null || true)"
  if [ -z "$PG_PORT" ] || (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then PG_PORT="$(free_port)"; fi
  echo "$PG_PORT" > "$COURSEMATCH_DATA/pg.port"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR" start >/dev/null
  PG_STARTED_HERE=1
  echo "==> Local PostgreSQL listening on 127.0.0.1:$PG_PORT"
  pg_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='coursematch'" | grep -q 1 \
    || pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres coursematch
}

stop_local_postgres() {
  if [ "${PG_STARTED_HERE:-0}" = "1" ]; then
    echo "==> Stopping the local PostgreSQL"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
