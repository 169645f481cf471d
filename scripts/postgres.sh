#!/usr/bin/env bash
# Makes a PostgreSQL server available on 127.0.0.1 for the store tests, installing
# it from Debian's packages and starting it when none is running. Idempotent.
# Prints the connection string on stdout.
set -euo pipefail

PGHOST=127.0.0.1
PGPORT="${SLIPWAY_PG_PORT:-5432}"
PGPASSWORD_TEST="${SLIPWAY_PG_PASSWORD:-slipway-pg-test-7d3f}"

log() { printf '\033[1m[postgres]\033[0m %s\n' "$*" >&2; }

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
    log "creating cluster $version/main"
    pg_createcluster "$version" main -p "$PGPORT" >&2
  fi
  log "starting PostgreSQL $version on $PGHOST:$PGPORT"
  pg_ctlcluster "$version" main start >&2 || true
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
    sleep 1
  done
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || { log "PostgreSQL did not start"; exit 1; }
fi

# The tests connect as postgres with a password over TCP; TestDatabases creates
# and drops its own databases.
if ! PGPASSWORD="$PGPASSWORD_TEST" psql -h "$PGHOST" -p "$PGPORT" -U postgres -tAc 'select 1' >/dev/null 2>&1; then
  su postgres -c "psql -p $PGPORT -qc \"alter user postgres with password '$PGPASSWORD_TEST'\"" >&2
fi
echo "postgresql://postgres:$PGPASSWORD_TEST@$PGHOST:$PGPORT"
