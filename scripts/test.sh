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
  # Kubernetes tests must not silently skip.
  export SLIPWAY_REQUIRE_CLUSTER=1
fi

slipway_log "type-checking"
yarn tsc

slipway_log "linting"
yarn backstage-cli repo lint
bash scripts/check-openapi.sh

slipway_log "packing the publishable packages; checking the API and knip reports"
bash scripts/check-packs.sh
yarn build:api-reports --ci
yarn build:knip-reports --ci

slipway_log "running the tests of every package"
mkdir -p .cache
# Kept to add up the counts for the closing summary line.
CI=true yarn backstage-cli repo test "$@" 2>&1 | tee .cache/unit-tests.log
unit_passed="$(sed -n 's/^Tests: .* \([0-9][0-9]*\) passed.*/\1/p' .cache/unit-tests.log | tail -n 1)"
browser_passed=0

if [ -n "${SLIPWAY_REQUIRE_CLUSTER:-}" ] && [ "$#" -eq 0 ]; then
  slipway_log "running the browser tests (packages/e2e-tests)"
  SLIPWAY_CHROMIUM="$(bash packages/e2e-tests/src/ensureChromium.sh)"
  export SLIPWAY_CHROMIUM
  CI=true yarn workspace @slipway/e2e-tests test:e2e 2>&1 | tee .cache/browser-tests.log
  browser_passed="$(sed -n 's/^ *\([0-9][0-9]*\) passed.*/\1/p' .cache/browser-tests.log | tail -n 1)"

  # Slipway installed into a new app from its READMEs, then used in Chromium.
  slipway_log "running the adoption test (scripts/adoption-test.sh)"
  bash scripts/adoption-test.sh 2>&1 | tee .cache/adoption-test.log
  adoption_passed="$(sed -n 's/^ *\([0-9][0-9]*\) passed.*/\1/p' .cache/adoption-test.log | tail -n 1)"
else
  slipway_log "NOT running the browser tests and the adoption test: they need the local cluster and no test arguments"
fi

# Nothing a test printed may carry the cluster's token or the database's
# password (the permission-matrix test scans what Slipway itself produced).
slipway_log "scanning the test output for credentials"
leaked=""
userinfo="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING#*//}"
userinfo="${userinfo%%@*}"
secrets=("${userinfo#*:}")
if [ -n "${SLIPWAY_KUBECONFIG:-}" ]; then
  secrets+=("$(sed -n 's/^ *token: //p' "$SLIPWAY_KUBECONFIG" | head -n 1)")
fi
for secret in "${secrets[@]}"; do
  if [ -n "$secret" ] && grep -qF -- "$secret" .cache/unit-tests.log .cache/browser-tests.log .cache/adoption-test.log 2>/dev/null; then
    leaked+=" ${secret:0:6}…"
  fi
done
if [ -n "$leaked" ]; then
  slipway_log "FAILED: the test output contains credentials:$leaked"
  exit 1
fi

if [ -n "${started_cluster:-}" ]; then
  # Take down the cluster this run started here, not only in the trap (which
  # stays for the failure path), and check that `down` leaves nothing behind.
  slipway_log "taking the local cluster down and checking that nothing of it is left"
  tools/local-cluster/cluster down
  trap - EXIT
  # The ports `up` binds: the cluster script's defaults, unless overridden.
  cluster_ports=()
  while IFS= read -r default; do
    var="${default%%:-*}"
    cluster_ports+=("${!var:-${default##*:-}}")
  done < <(grep -o 'LOCAL_CLUSTER_[A-Z_]*_PORT:-[0-9]*' tools/local-cluster/cluster | sort -u)
  left=""
  [ "${#cluster_ports[@]}" -ge 6 ] ||
    left+=$'\n  could not read the ports from the LOCAL_CLUSTER_*_PORT defaults in tools/local-cluster/cluster'
  # kwokctl starts the binaries of .bin/ through symlinks in .run/.
  if pids="$(pgrep -af "$SLIPWAY_ROOT/tools/local-cluster/\.(bin|run)/")"; then
    left+=$'\n  processes still running:\n'"$pids"
  fi
  for port in "${cluster_ports[@]}"; do
    if [ -n "$(ss -Hltn "sport = :$port")" ]; then
      left+=$'\n'"  port $port is still listening"
    fi
  done
  if [ -n "$left" ]; then
    slipway_log "FAILED: \`tools/local-cluster/cluster down\` left the local cluster behind:$left"
    exit 1
  fi
fi

slipway_log "all checks passed in $((SECONDS - t0))s"
# Every step above stops the script on a failure, so reaching here means none failed.
echo "Tests: $(( ${unit_passed:-0} + ${browser_passed:-0} + ${adoption_passed:-0} )) passed, 0 failed"
