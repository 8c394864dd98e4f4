# Sourced by run.sh: a local PostgreSQL cluster under $COURSEMATCH_DATA/pg, from the machine's binaries.
# Sets PG_BIN, PG_DIR, PG_PORT; defines pg_as_owner, ensure_postgres_binaries, start_local_postgres,
# stop_local_postgres, pg_psql and local_connection_string.
#
# Nobody connects without a password: the cluster uses SCRAM (scram-sha-256) on its socket and on loopback
# only. The secrets are generated once and kept beside the data, readable by their owner only (mode 600):
#   $COURSEMATCH_DATA/pg.password           the postgres superuser (run.sh's own maintenance)
#   $COURSEMATCH_DATA/app.password          the coursematch role, owner of the coursematch database (the app, the CLI)
#   $COURSEMATCH_DATA/replication.password  the replicator role (the standby of ./run.sh --cluster)
#   $COURSEMATCH_DATA/pgpass                all three in libpq's password-file format (PGPASSFILE=... psql ...)
# A cluster created by an older run.sh with trust authentication is moved to passwords on its next start.

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

# True when something already listens on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The port remembered in $COURSEMATCH_DATA/$1.port, or a free one when there is none or it is taken; remembered.
remembered_port() {
  local file="$COURSEMATCH_DATA/$1.port" port
  port="$(cat "$file" 2>/dev/null || true)"
  if [ -z "$port" ] || port_in_use "$port"; then port="$(free_port)"; fi
  echo "$port" > "$file"
  echo "$port"
}

new_secret() {
  openssl rand -hex 24 2>/dev/null || python3 -c 'import secrets; print(secrets.token_hex(24))'
}

# Prints the secret kept in $COURSEMATCH_DATA/$1.password, generating it on first use (mode 600, hex only,
# so it needs no quoting in connection strings or SQL).
secret() {
  local file="$COURSEMATCH_DATA/$1.password"
  if [ ! -s "$file" ]; then
    (umask 077 && new_secret > "$file.tmp" && mv "$file.tmp" "$file")
  fi
  chmod 600 "$file"
  tr -d '\n' < "$file"
}

write_pgpass() {
  PG_PASSFILE="$COURSEMATCH_DATA/pgpass"
  local su app repl
  su="$(secret pg)"; app="$(secret app)"; repl="$(secret replication)"
  (umask 077 && cat > "$PG_PASSFILE.tmp" <<EOF
# host:port:database:user:password, written by scripts/local-postgres.sh from the *.password files beside it
127.0.0.1:*:*:postgres:$su
127.0.0.1:*:*:coursematch:$app
127.0.0.1:*:replication:replicator:$repl
EOF
  mv "$PG_PASSFILE.tmp" "$PG_PASSFILE")
  chmod 600 "$PG_PASSFILE"
}

# psql against the local cluster as the superuser (or as $PGUSER), the password from the pgpass file.
# Runs as the calling user: only the server programs need the postgres account.
pg_psql() {
  PGPASSFILE="$PG_PASSFILE" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PSQL_PORT:-$PG_PORT}" \
    -U "${PGUSER:-postgres}" "$@"
}

# The app's connection string to the local cluster: the coursematch role with its password. $1: host list
# (default: the primary), for example "127.0.0.1:5433,127.0.0.1:5434".
local_connection_string() {
  local hosts="${1:-127.0.0.1:$PG_PORT}"
  echo "Host=$hosts;Username=coursematch;Password=$(secret app);Database=coursematch"
}

# The only pg_hba.conf run.sh's clusters have: passwords everywhere, loopback only, no trust.
write_pg_hba() {
  local dir="$1" want
  want="$(cat <<'EOF'
# Written by scripts/local-postgres.sh: SCRAM passwords only, on the socket and on loopback; no trust.
# TYPE  DATABASE     USER        ADDRESS        METHOD
local   all          all                        scram-sha-256
host    all          all         127.0.0.1/32   scram-sha-256
host    all          all         ::1/128        scram-sha-256
host    replication  replicator  127.0.0.1/32   scram-sha-256
host    replication  replicator  ::1/128        scram-sha-256
EOF
)"
  if [ "$(pg_as_owner cat "$dir/pg_hba.conf" 2>/dev/null)" = "$want" ]; then return 1; fi
  # Rewritten in place, so the file keeps its owner (postgres) and mode.
  printf '%s\n' "$want" | pg_as_owner tee "$dir/pg_hba.conf" >/dev/null
  return 0
}

# New cluster: initdb with the superuser's password from a temporary copy the postgres account can read.
init_local_postgres() {
  echo "==> Creating a local PostgreSQL cluster in $PG_DIR (SCRAM passwords, kept in $COURSEMATCH_DATA/*.password)"
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DIR"; fi
  chmod 700 "$PG_DIR"
  local pwfile
  pwfile="$(umask 077 && mktemp)"
  secret pg > "$pwfile"
  if [ "$(id -u)" = "0" ]; then chown postgres "$pwfile"; fi
  if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" \
       -E UTF8 --locale=C.UTF-8 >/dev/null; then
    rm -f "$pwfile"
    return 1
  fi
  rm -f "$pwfile"
  write_pg_hba "$PG_DIR" || true
}

# Roles, passwords, the database and pg_hba.conf, whatever state the cluster is in (new, or created with
# trust by an older run.sh). Safe to run on every start.
secure_local_postgres() {
  local legacy=0
  if pg_as_owner grep -qE '^[[:space:]]*[^#[:space:]].*[[:space:]]trust([[:space:]]|$)' "$PG_DIR/pg_hba.conf"; then
    legacy=1
    echo "==> Moving the local PostgreSQL from trust to SCRAM passwords (kept in $COURSEMATCH_DATA/*.password)"
  fi
  # Passwords go through stdin, never on a command line other users could read with ps.
  if ! pg_psql -d postgres >/dev/null <<SQL
ALTER ROLE postgres PASSWORD '$(secret pg)';
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coursematch') THEN CREATE ROLE coursematch LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') THEN CREATE ROLE replicator LOGIN REPLICATION; END IF;
END \$\$;
ALTER ROLE coursematch LOGIN NOSUPERUSER NOCREATEROLE PASSWORD '$(secret app)';
ALTER ROLE replicator LOGIN REPLICATION NOSUPERUSER PASSWORD '$(secret replication)';
SQL
  then
    echo "Could not sign in to the local PostgreSQL in $PG_DIR with the password in $COURSEMATCH_DATA/pg.password." >&2
    echo "If that file was lost, set a new one: stop the server, put a 'local all postgres trust' line first in" >&2
    echo "$PG_DIR/pg_hba.conf, start it, run: psql -h $PG_DIR -p $PG_PORT -U postgres -c \"ALTER ROLE postgres PASSWORD '<new>'\"," >&2
    echo "write <new> to $COURSEMATCH_DATA/pg.password, remove the line, and run ./run.sh again." >&2
    return 1
  fi
  local owner
  owner="$(pg_psql -d postgres -tAc "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'coursematch'")"
  if [ -z "$owner" ]; then
    pg_psql -d postgres -c "CREATE DATABASE coursematch OWNER coursematch"
  elif [ "$owner" != "coursematch" ]; then
    echo "==> Handing the coursematch database and its objects to the coursematch role (was $owner)"
    pg_psql -d coursematch >/dev/null <<'SQL'
ALTER DATABASE coursematch OWNER TO coursematch;
DO $$
DECLARE r record;
BEGIN
  -- Tables, views and sequences (except those tied to a column: they follow their table).
  FOR r IN
    SELECT c.oid::regclass AS name,
           CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND c.relowner <> 'coursematch'::regrole
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                           AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO coursematch', r.kind, r.name);
  END LOOP;
  -- Functions and types the migrations created (not those of extensions).
  FOR r IN
    SELECT p.oid::regprocedure AS name, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END AS kind
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
      AND p.proowner <> 'coursematch'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO coursematch', r.kind, r.name);
  END LOOP;
  FOR r IN
    SELECT t.oid::regtype AS name
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
      AND t.typtype IN ('e', 'd') AND t.typowner <> 'coursematch'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO coursematch', r.name);
  END LOOP;
  -- Schemas other than public that the migrations created.
  FOR r IN
    SELECT nspname AS name FROM pg_namespace
    WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'
      AND nspowner <> 'coursematch'::regrole
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO coursematch', r.name);
  END LOOP;
END $$;
SQL
  fi
  if write_pg_hba "$PG_DIR"; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" reload >/dev/null
    sleep 1   # the postmaster rereads pg_hba.conf asynchronously
  fi
  if [ "$legacy" = "1" ]; then echo "    Done: no trust left in $PG_DIR/pg_hba.conf."; fi
}

# Starts (or reuses) the cluster. Extra server settings may be passed in PG_SERVER_OPTS (run.sh --cluster
# passes the replication ones).
start_local_postgres() {
  mkdir -p "$COURSEMATCH_DATA"
  COURSEMATCH_DATA="$(cd "$COURSEMATCH_DATA" && pwd)"   # absolute: the socket path and pg_ctl need it
  PG_DIR="$COURSEMATCH_DATA/pg"
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then init_local_postgres || return 1; fi
  write_pgpass
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    PG_PORT="$(cat "$COURSEMATCH_DATA/pg.port")"
    PG_STARTED_HERE=0
    echo "==> Reusing the local PostgreSQL already running on port $PG_PORT"
  else
    PG_PORT="$(remembered_port pg)"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR ${PG_SERVER_OPTS:-}" start >/dev/null
    PG_STARTED_HERE=1
    echo "==> Local PostgreSQL listening on 127.0.0.1:$PG_PORT"
  fi
  secure_local_postgres
}

stop_local_postgres() {
  if [ "${PG_STARTED_HERE:-0}" = "1" ]; then
    echo "==> Stopping the local PostgreSQL"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
    PG_STARTED_HERE=0
  fi
}
