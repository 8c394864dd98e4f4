#!/bin/sh
# docker compose --profile cluster: runs once, when the postgres image initialises the primary's volume
# (/docker-entrypoint-initdb.d). Adds the role the replica streams as and lets it in, with a password.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
