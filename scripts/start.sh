#!/usr/bin/env bash
# Starts the Slipway portal: frontend on http://localhost:3000, backend on
# :7007, with an embedded SQLite database. When no Kubernetes cluster is
# configured (app-config.local.yaml), it also starts the local control plane
# from tools/local-cluster and points the portal at it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"

slipway_setup

configs=(--config app-config.yaml)
if [ -f app-config.local.yaml ]; then
  configs+=(--config app-config.local.yaml)
fi

if [ -x tools/local-cluster/cluster ] && ! grep -qs 'clusters:' app-config.local.yaml; then
  slipway_log "no cluster configured: starting the local Kubernetes cluster"
  tools/local-cluster/cluster up
  configs+=(--config "$(node scripts/local-cluster-app-config.mjs \
    tools/local-cluster/.run/slipway.kubeconfig .cache/app-config.local-cluster.yaml)")
fi

slipway_log "starting the portal: http://localhost:3000 (backend on :7007)"
exec yarn backstage-cli repo start "${configs[@]}"
