#!/usr/bin/env bash
# Checks that the deploy API's generated code is what its spec makes: it
# regenerates the typed router (plugins/deploy-backend) and the typed client
# and models (plugins/deploy-common) from
# plugins/deploy-backend/src/schema/openapi.yaml, in place, and fails naming
# every generated file that changed. Commit the spec and what it generates
# together.
#
# Needs Java 17 or later: repo-tools runs @openapitools/openapi-generator-cli,
# whose jar (pinned in @backstage/repo-tools' openapitools.json) is fetched
# from Maven Central on first use and cached in
# node_modules/@openapitools/openapi-generator-cli/versions/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

generated=(
  plugins/deploy-backend/src/schema/openapi
  plugins/deploy-common/src/schema/openapi
)

fail() {
  printf '\033[1m[check-openapi]\033[0m FAILED: %s\n' "$*" >&2
  exit 1
}

# Like PostgreSQL and Chromium, Java comes from Debian's packages when the
# machine has none.
if ! command -v java >/dev/null && command -v apt-get >/dev/null; then
  printf '\033[1m[check-openapi]\033[0m installing Java for the OpenAPI generator\n' >&2
  apt-get update -qq >&2
  apt-get install -y -qq openjdk-17-jre-headless >&2
fi
command -v java >/dev/null ||
  fail "the OpenAPI generator needs Java 17 or later on PATH (e.g. apt-get install openjdk-17-jre-headless)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! (cd plugins/deploy-backend &&
  ../../node_modules/.bin/backstage-repo-tools package schema openapi generate \
    --server --client-package plugins/deploy-common) >"$log" 2>&1; then
  cat "$log" >&2
  fail "could not generate the deploy API's code from plugins/deploy-backend/src/schema/openapi.yaml (output above)"
fi
# repo-tools reports a failed generation but still exits 0: look for both
# success lines.
if ! grep -q 'Generated server files' "$log" || ! grep -q 'Generated client in' "$log"; then
  cat "$log" >&2
  fail "could not generate the deploy API's code from plugins/deploy-backend/src/schema/openapi.yaml (output above)"
fi

changed="$(git status --porcelain --untracked-files=all -- "${generated[@]}")"
if [ -n "$changed" ]; then
  printf '%s\n' "$changed" >&2
  git --no-pager diff --stat -- "${generated[@]}" >&2
  fail "the generated files above do not match plugins/deploy-backend/src/schema/openapi.yaml. Run scripts/check-openapi.sh (it regenerates them in place) and commit them with the spec."
fi
printf '\033[1m[check-openapi]\033[0m the generated deploy API code matches its spec\n' >&2
