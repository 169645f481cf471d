#!/usr/bin/env bash
# Serves the portal for the browser tests on http://localhost:$SLIPWAY_E2E_PORT:
# the backend, serving the production build of packages/app (built here when
# it is missing or older than the sources), pointed at the local cluster.
# Playwright starts this (webServer in playwright.config.ts) and stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/setup.sh"
cd "$SLIPWAY_ROOT"
slipway_use_node22
slipway_use_yarn

: "${SLIPWAY_E2E_PORT:?}"
: "${SLIPWAY_KUBECONFIG:?the local cluster must be up: eval \"\$(tools/local-cluster/cluster env)\"}"

# A build is reused while nothing it is made of has changed since.
stamp=packages/app/dist/index.html
if [ ! -f "$stamp" ] ||
  [ -n "$(find packages/app/src plugins/*/src yarn.lock app-config.yaml -newer "$stamp" -print -quit)" ]; then
  slipway_log "building the app for the browser tests"
  # Its file listing is noise in the test log; errors still reach stderr.
  yarn workspace app build >/dev/null
fi

cluster_config="$(node scripts/local-cluster-app-config.mjs \
  "$SLIPWAY_KUBECONFIG" "$SLIPWAY_ROOT/.cache/e2e/app-config.local-cluster.yaml")"

slipway_log "starting the backend for the browser tests on :$SLIPWAY_E2E_PORT"
cd packages/backend
# What `backstage-cli package start` runs, without its watcher: a file saved
# during a run must not restart the backend under the tests.
export NODE_ENV=development
exec node --enable-source-maps \
  --require @backstage/cli-node/config/nodeTransform.cjs \
  src/index \
  --config "$SLIPWAY_ROOT/app-config.yaml" \
  --config "$cluster_config" \
  --config "$SLIPWAY_ROOT/packages/e2e-tests/app-config.e2e.yaml"
