#!/usr/bin/env bash
# Runs Slipway's benchmarks against the local Kubernetes control plane and
# PostgreSQL, and prints one table with each figure beside its target (kept in
# .cache/bench/latest.md; docs/benchmarks.md explains the latest one). Does its
# own set-up, like the test command. Takes about 20 minutes on 2 cores; see
# packages/backend/bench/index.ts for the variables that shorten a run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"
slipway_setup

slipway_log "starting PostgreSQL for the history benchmark"
SLIPWAY_BENCH_POSTGRES="$(bash scripts/postgres.sh)"
export SLIPWAY_BENCH_POSTGRES

if ! tools/local-cluster/cluster status >/dev/null 2>&1; then
  slipway_log "starting the local Kubernetes cluster"
  tools/local-cluster/cluster up
  trap 'tools/local-cluster/cluster down || true' EXIT
fi
eval "$(tools/local-cluster/cluster env)"

node -r @backstage/cli/config/nodeTransform.cjs packages/backend/bench/index.ts
