#!/usr/bin/env bash
# Builds and packs every publishable package (each folder under plugins/ that is
# not private) as npm would publish it, and checks each tarball: its
# package.json must point only at files inside it (scripts/check-packs.mjs).
#
# The tarballs stay in $SLIPWAY_PACKS_DIR (default .cache/packs), named like
# slipway-plugin-deploy.tgz, for tests that install them into a fresh app.
# Type definitions come from dist-types: `yarn tsc` runs first unless
# dist-types is newer than every source file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"
slipway_use_node22
slipway_use_yarn

packs="${SLIPWAY_PACKS_DIR:-$SLIPWAY_ROOT/.cache/packs}"
mkdir -p "$packs"
packs="$(cd "$packs" && pwd)"

stamp=dist-types/tsconfig.tsbuildinfo
if [ ! -f "$stamp" ] || [ -n "$(find packages plugins tools/local-cluster/src \
  \( -name node_modules -o -name dist \) -prune -o \
  \( -name '*.ts' -o -name '*.tsx' \) -newer "$stamp" -print -quit)" ]; then
  slipway_log "type-checking, for the type definitions the packages ship"
  yarn tsc
fi

# Listed first, so a failing or empty list fails here rather than checking
# nothing (a loop over a process substitution would not see its failure).
list="$(node scripts/check-packs.mjs list)"
if [ -z "$list" ]; then
  slipway_log "FAILED: found no publishable package under plugins/"
  exit 1
fi

failed=()
checked=0
while read -r dir tarball; do
  slipway_log "building and packing $dir"
  rm -f "$packs/$tarball"
  # prepack rewrites package.json to point at dist/ and postpack restores it;
  # an interrupted `yarn pack` can leave the rewritten one behind.
  (cd "$dir" && yarn backstage-cli package build && yarn pack -o "$packs/$tarball") </dev/null >&2
  node scripts/check-packs.mjs check "$dir" "$packs/$tarball" || failed+=("$dir")
  checked=$((checked + 1))
done <<<"$list"

if [ "${#failed[@]}" -gt 0 ]; then
  slipway_log "FAILED: these packages do not pack correctly: ${failed[*]}"
  exit 1
fi
slipway_log "all $checked publishable packages pack correctly (tarballs in $packs)"
