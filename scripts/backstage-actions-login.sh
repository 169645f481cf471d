#!/usr/bin/env bash
# Lets Backstage's actions CLI (`backstage-cli actions list|execute`) call a
# Backstage with a static external access token, the way CI holds one.
#
# The CLI reads the instance and its access token from what `backstage-cli
# auth login` stores: $XDG_CONFIG_HOME/backstage-cli/auth-instances.yaml and
# $XDG_DATA_HOME/backstage-cli/auth-secrets/ (when the OS keychain module,
# keytar, cannot be loaded, as on a CI runner without it built). A browser
# login cannot happen in CI, so this writes those two files itself, in a
# directory of their own, and prints the variables that point the CLI there:
#
#   export BACKSTAGE_URL=https://backstage.example.com
#   export BACKSTAGE_TOKEN=$SLIPWAY_CI_TOKEN   # a backend.auth.externalAccess static token
#   eval "$(scripts/backstage-actions-login.sh)"
#   yarn backstage-cli actions list
#   yarn backstage-cli actions execute deploy:publish-release --service checkout --version 1.4.0
#
# Optional: BACKSTAGE_ACTIONS_SOURCES, the plugins whose actions `actions list`
# shows (space-separated; default "deploy"); BACKSTAGE_CLI_HOME, where to
# write (default: a new temporary directory).
#
# The stored token never expires for the CLI (a static token does not); it
# never tries to refresh it.
set -euo pipefail

: "${BACKSTAGE_URL:?set BACKSTAGE_URL to the Backstage base URL, e.g. https://backstage.example.com}"
: "${BACKSTAGE_TOKEN:?set BACKSTAGE_TOKEN to a static external access token (backend.auth.externalAccess)}"
sources=${BACKSTAGE_ACTIONS_SOURCES:-deploy}
home=${BACKSTAGE_CLI_HOME:-$(mktemp -d)}
instance=ci

if node -e "require('keytar')" >/dev/null 2>&1; then
  echo "keytar (the OS keychain module) loads here, so the CLI would read its token from the keychain, not from files;" \
    "run this where keytar is not built, or call the actions over HTTP (see plugins/deploy-backend/README.md)" >&2
  exit 1
fi

config_dir="$home/config/backstage-cli"
secret_dir="$home/data/backstage-cli/auth-secrets/backstage-cli%3Aauth-instance%3A$instance"
mkdir -p "$config_dir" "$secret_dir"
chmod 700 "$home"

{
  echo "instances:"
  echo "  - name: $instance"
  echo "    baseUrl: ${BACKSTAGE_URL%/}"
  echo "    clientId: static-external-access-token"
  echo "    issuedAt: 0"
  # Year 9999: the CLI refreshes a token only when it is about to expire.
  echo "    accessTokenExpiresAt: 253402300799000"
  echo "    selected: true"
  echo "    metadata:"
  echo "      pluginSources:"
  for source in $sources; do
    echo "        - $source"
  done
} >"$config_dir/auth-instances.yaml"
chmod 600 "$config_dir/auth-instances.yaml"

(umask 077 && printf '%s' "$BACKSTAGE_TOKEN" >"$secret_dir/accessToken.secret")

printf 'export XDG_CONFIG_HOME=%q XDG_DATA_HOME=%q\n' "$home/config" "$home/data"
