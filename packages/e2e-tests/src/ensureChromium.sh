#!/usr/bin/env bash
# Makes Chromium available for the browser tests, installing Debian's package
# when it is missing (Playwright cannot download its own browsers here).
# Idempotent. Prints the browser's path on stdout.
set -euo pipefail

chromium="${SLIPWAY_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  printf '\033[1m[chromium]\033[0m %s\n' "installing Chromium from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi
[ -x "$chromium" ] || { echo "no Chromium at $chromium" >&2; exit 1; }
echo "$chromium"
