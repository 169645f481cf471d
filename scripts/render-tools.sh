#!/usr/bin/env bash
# Sourced by scripts/setup.sh. Provides the pinned tools that render a service's
# own manifests (kustomize, helm) in .tools/render/bin and puts that directory
# on PATH. Neither has a Debian package, and their release pages are out of
# reach here, so both are built from the Go module proxy; a second run finds
# them and is a no-op.
#
# Why these versions: kustomize v5.8.3 and newer need Go 1.27; helm v3.22.0 is
# the newest helm 3 that builds on Go 1.26.

SLIPWAY_RENDER_KUSTOMIZE_VERSION="v5.8.2"
SLIPWAY_RENDER_HELM_VERSION="v3.22.0"

# Prints the version a built tool reports, or nothing when it is absent or broken.
slipway_render_tool_version() {
  local bin="$1"
  [ -x "$bin" ] || return 0
  case "$(basename "$bin")" in
    kustomize) "$bin" version 2>/dev/null || true ;;
    helm) "$bin" version --template '{{.Version}}' 2>/dev/null || true ;;
  esac
}

slipway_render_require_go() {
  if ! command -v go >/dev/null 2>&1; then
    slipway_log "FAILED: building $1 needs Go (1.26 or newer) on PATH, and \`go\` was not found; install Go, or put $1 in $SLIPWAY_ROOT/.tools/render/bin yourself"
    return 1
  fi
}

# slipway_render_tool_install NAME VERSION PACKAGE [GO INSTALL FLAGS...]
slipway_render_tool_install() {
  local name="$1" version="$2" package="$3"
  shift 3
  local bindir="$SLIPWAY_ROOT/.tools/render/bin"
  if [ "$(slipway_render_tool_version "$bindir/$name")" = "$version" ]; then
    return 0
  fi
  slipway_render_require_go "$name $version" || return 1
  slipway_log "building $name $version from the Go module proxy (go install $package@$version; a few minutes the first time)"
  mkdir -p "$bindir"
  local t0=$SECONDS
  # GOTOOLCHAIN=local: fail here rather than try to download a newer Go.
  if ! GOBIN="$bindir" GOTOOLCHAIN=local go install "$@" "$package@$version" >&2; then
    slipway_log "FAILED: go install $package@$version did not succeed (see above); the Go module proxy must be reachable"
    return 1
  fi
  local got
  got="$(slipway_render_tool_version "$bindir/$name")"
  if [ "$got" != "$version" ]; then
    slipway_log "FAILED: the $name just built reports version \"$got\", expected $version"
    return 1
  fi
  slipway_log "built $name $version in $((SECONDS - t0))s"
}

# The link-time settings of helm's own Makefile. Without them `go install`
# gives a helm that calls itself "v3.22" and renders for Kubernetes v1.20
# (.Capabilities.KubeVersion, and a chart's `kubeVersion` is checked against
# it); the release builds take the Kubernetes version from the client-go that
# helm's go.mod requires, with the major number one higher (v0.37 -> v1.37).
slipway_render_helm_ldflags() {
  local version="$1" json gomod minor
  slipway_render_require_go "helm $version" || return 1
  json="$(GOTOOLCHAIN=local go mod download -json "helm.sh/helm/v3@$version")" || return 1
  gomod="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  minor="$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$gomod")"
  if [ -z "$minor" ]; then
    slipway_log "FAILED: could not read the client-go version from helm $version's go.mod ($gomod)"
    return 1
  fi
  local v=helm.sh/helm/v3/internal/version chartutil=helm.sh/helm/v3/pkg/chartutil
  local rules=helm.sh/helm/v3/pkg/lint/rules
  printf '%s' "-s -w -X $v.version=$version -X $v.metadata= -X $v.gitTreeState=clean" \
    " -X $chartutil.k8sVersionMajor=1 -X $chartutil.k8sVersionMinor=$minor" \
    " -X $rules.k8sVersionMajor=1 -X $rules.k8sVersionMinor=$minor"
}

slipway_render_tools() {
  slipway_render_tool_install kustomize "$SLIPWAY_RENDER_KUSTOMIZE_VERSION" \
    sigs.k8s.io/kustomize/kustomize/v5 || return 1
  if [ "$(slipway_render_tool_version "$SLIPWAY_ROOT/.tools/render/bin/helm")" != "$SLIPWAY_RENDER_HELM_VERSION" ]; then
    local ldflags
    ldflags="$(slipway_render_helm_ldflags "$SLIPWAY_RENDER_HELM_VERSION")" || return 1
    slipway_render_tool_install helm "$SLIPWAY_RENDER_HELM_VERSION" \
      helm.sh/helm/v3/cmd/helm -trimpath -ldflags "$ldflags" || return 1
  fi
  case ":$PATH:" in
    *":$SLIPWAY_ROOT/.tools/render/bin:"*) ;;
    *) export PATH="$SLIPWAY_ROOT/.tools/render/bin:$PATH" ;;
  esac
}
