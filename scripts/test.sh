#!/usr/bin/env bash
# Runs every check and test of the repository: type-check, lint, and the tests
# of every package — store tests on SQLite and PostgreSQL, Kubernetes tests
# against the local control plane. Does its own set-up; safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"

t0=$SECONDS
slipway_setup

slipway_log "starting PostgreSQL for the store tests"
BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$(bash scripts/postgres.sh)"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
# Store tests must not silently skip PostgreSQL.
export SLIPWAY_REQUIRE_POSTGRES=1

if [ -x tools/local-cluster/cluster ] && [ -z "${SLIPWAY_SKIP_CLUSTER:-}" ]; then
  slipway_log "starting the local Kubernetes cluster for the Kubernetes tests"
  started_cluster=""
  if ! tools/local-cluster/cluster status >/dev/null 2>&1; then
    started_cluster=1
  fi
  tools/local-cluster/cluster up
  if [ -n "$started_cluster" ]; then
    trap 'tools/local-cluster/cluster down || true' EXIT
  fi
  eval "$(tools/local-cluster/cluster env)"
fi

slipway_log "type-checking"
yarn tsc

slipway_log "linting"
yarn backstage-cli repo lint

slipway_log "running the tests of every package"
CI=true yarn backstage-cli repo test "$@"

slipway_log "all checks passed in $((SECONDS - t0))s"
