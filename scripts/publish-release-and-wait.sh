#!/usr/bin/env bash
# A CI step: publish the image CI just pushed as a Slipway release, then wait
# until the first release channel has deployed it (exit 0) or has not (exit 1).
# Plain curl and jq against Slipway's actions (deploy:publish-release,
# deploy:status); see plugins/deploy-backend/README.md, "Continuous delivery
# from CI".
#
#   BACKSTAGE_URL      e.g. https://backstage.example.com
#   SLIPWAY_CI_TOKEN   a backend.auth.externalAccess static token whose access
#                      restrictions name deploy.release.publish and deploy.read
#   SERVICE, VERSION   the Slipway service and the image tag just pushed
#   COMMIT, BUILD_URL, TITLE   optional, recorded with the release
#   WAIT_SECONDS       how long to wait for the first channel (default 900)
set -euo pipefail

: "${BACKSTAGE_URL:?}" "${SLIPWAY_CI_TOKEN:?}" "${SERVICE:?}" "${VERSION:?}"
actions="${BACKSTAGE_URL%/}/api/deploy/.backstage/actions/v1/actions"

# Invokes deploy:<name> with a JSON input; prints its output, or says what
# Slipway answered (the error names what is missing) and fails.
invoke() {
  local response
  if ! response=$(curl --silent --show-error --fail-with-body \
    -H "Authorization: Bearer $SLIPWAY_CI_TOKEN" \
    -H 'Content-Type: application/json' \
    --data "$2" "$actions/deploy:$1/invoke"); then
    echo "deploy:$1: $(jq -r '.error.message' <<<"$response" 2>/dev/null || echo "$response")" >&2
    return 1
  fi
  jq '.output' <<<"$response"
}

input=$(jq -n --arg service "$SERVICE" --arg version "$VERSION" \
  --arg commit "${COMMIT:-}" --arg buildUrl "${BUILD_URL:-}" --arg title "${TITLE:-}" \
  '{service: $service, version: $version, commit: $commit, buildUrl: $buildUrl, title: $title}
   | with_entries(select(.value != ""))')
published=$(invoke publish-release "$input")
jq -r '"published \(.release.service) \(.release.version)" + (if .created then "" else " (already published)" end)' <<<"$published"

deadline=$((SECONDS + ${WAIT_SECONDS:-900}))
status_input=$(jq -n --arg service "$SERVICE" --arg version "$VERSION" \
  '{service: $service, version: $version}')
last=''
while :; do
  status=$(invoke status "$status_input")
  stage=$(jq -c '.release.stages[0]' <<<"$status")
  line=$(jq -r '"\(.channel): \(.state) — \(.message)"' <<<"$stage")
  [ "$line" = "$last" ] || echo "$line"
  last=$line
  case $(jq -r '.state' <<<"$stage") in
    deployed) exit 0 ;;
    failed | cancelled | rejected | superseded) exit 1 ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "gave up waiting after ${WAIT_SECONDS:-900}s; Slipway goes on with it" >&2
    exit 1
  fi
  sleep "${POLL_SECONDS:-5}"
done
