#!/usr/bin/env bash
# Starts the Slipway portal: frontend on http://localhost:3000, backend on
# :7007, with an embedded SQLite database. When no Kubernetes cluster is
# configured (app-config.local.yaml), it also starts the local control plane
# from tools/local-cluster and points the portal at it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"

slipway_setup

# Absolute paths: backstage-cli resolves relative ones from each package.
configs=(--config "$SLIPWAY_ROOT/app-config.yaml")
if [ -f app-config.local.yaml ]; then
  configs+=(--config "$SLIPWAY_ROOT/app-config.local.yaml")
fi

if [ -x tools/local-cluster/cluster ] && ! grep -qs 'clusters:' app-config.local.yaml; then
  slipway_log "no cluster configured: starting the local Kubernetes cluster"
  tools/local-cluster/cluster up
  configs+=(--config "$(node scripts/local-cluster-app-config.mjs \
    "$SLIPWAY_ROOT/tools/local-cluster/.run/slipway.kubeconfig" \
    "$SLIPWAY_ROOT/.cache/app-config.local-cluster.yaml")")
fi

# Once the backend answers, register the example services and give them some
# history (idempotent), so a fresh portal has something to show.
if [ -z "${SLIPWAY_SKIP_SEED:-}" ]; then
  (
    for _ in $(seq 1 300); do
      curl -fsS http://localhost:7007/api/deploy/health >/dev/null 2>&1 && break
      sleep 1
    done
    node scripts/seed-examples.mjs >&2 || true
  ) &
fi

slipway_log "starting the portal: http://localhost:3000 (backend on :7007)"
exec yarn backstage-cli repo start "${configs[@]}"
