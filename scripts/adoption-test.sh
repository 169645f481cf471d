#!/usr/bin/env bash
# The adoption test: Slipway installed into a brand-new Backstage app the way a
# stranger would, by following the plugins' READMEs, then used in real Chromium.
#
#   pack     build and pack every publishable package (scripts/check-packs.sh)
#   create   `@backstage/create-app` of our Backstage release, in .cache/adoption/app
#   install  `yarn install`, then the READMEs' `yarn --cwd … add @slipway/…` commands
#   build    the READMEs' backend lines, config and annotation; `yarn workspace app build`
#   start    the app's backend (serving the built app) on :$SLIPWAY_ADOPTION_PORT
#   test     packages/e2e-tests/src/adoption/adoption.spec.ts: sign in as the guest,
#            open the annotated component, register it, deploy a version, see it succeed
#
# The local cluster must be up (tools/local-cluster/cluster up). Prints each
# step's time; exits non-zero naming the step that failed, with the end of its
# log (all logs: .cache/adoption/*.log). Stops what it started. To try changes
# to the later steps, SLIPWAY_ADOPTION_REUSE_PACKS=1 keeps the last tarballs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SLIPWAY_ROOT"

# The create-app of the release in backstage.json (1.55.0): its
# dist/package.json.cjs.js says "1.55.0". Move both together.
CREATE_APP_VERSION=0.9.2
port="${SLIPWAY_ADOPTION_PORT:-7107}"
work="$SLIPWAY_ROOT/.cache/adoption"
app="$work/app"
packs="$work/packs"
# The example component of a new app (examples/entities.yaml), owned by `guests`.
service=example-website

step=setup
timings=()
backend_pid=""
t_step=$SECONDS

finish() {
  local code=$?
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
  if [ "${#timings[@]}" -gt 0 ]; then
    slipway_log "adoption test step times: ${timings[*]}"
  fi
  if [ "$code" -ne 0 ]; then
    if [ -f "$work/$step.log" ] && [ "$step" != test ]; then
      tail -n 30 "$work/$step.log" >&2
    fi
    if [ "$step" = start ] && [ -f "$work/backend.log" ]; then
      tail -n 30 "$work/backend.log" >&2
    fi
    slipway_log "FAILED: the adoption test failed in step '$step' after $((SECONDS - t_step))s (logs in $work)"
  fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT TERM

begin() {
  step="$1"
  t_step=$SECONDS
  slipway_log "adoption test: $1 — $2"
}
done_step() {
  timings+=("$step=$((SECONDS - t_step))s")
}

slipway_setup

if ! tools/local-cluster/cluster status >/dev/null 2>&1; then
  slipway_log "the local cluster is not running: start it with \`tools/local-cluster/cluster up\`"
  exit 1
fi
eval "$(tools/local-cluster/cluster env)"

if [ -n "$(ss -Hltn "sport = :$port")" ]; then
  slipway_log "port $port is taken; free it or set SLIPWAY_ADOPTION_PORT"
  exit 1
fi

mkdir -p "$work"
# ---------------------------------------------------------------------------
begin pack "building and packing the publishable packages"
if [ -n "${SLIPWAY_ADOPTION_REUSE_PACKS:-}" ] && [ -n "$(ls "$packs"/*.tgz 2>/dev/null)" ]; then
  slipway_log "reusing the tarballs in $packs (SLIPWAY_ADOPTION_REUSE_PACKS)"
elif [ -f scripts/check-packs.sh ]; then
  rm -rf "$packs"
  SLIPWAY_PACKS_DIR="$packs" bash scripts/check-packs.sh >"$work/pack.log" 2>&1
else
  rm -rf "$packs"
  mkdir -p "$packs"
  yarn tsc >"$work/pack.log" 2>&1
  for dir in plugins/*/; do
    if [ "$(node -p "require('./${dir}package.json').private === true")" = false ]; then
      (cd "$dir" && yarn backstage-cli package build && yarn pack -o "$packs/%s-%v.tgz") \
        </dev/null >>"$work/pack.log" 2>&1
    fi
  done
fi
shopt -s nullglob
tarballs=("$packs"/*.tgz)
shopt -u nullglob
publishable="$(node -e '
  const fs = require("fs");
  console.log(fs.readdirSync("plugins").filter(d => {
    const file = `plugins/${d}/package.json`;
    return fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).private !== true;
  }).length)')"
if [ "${#tarballs[@]}" -ne "$publishable" ]; then
  slipway_log "expected $publishable tarballs in $packs, found ${#tarballs[@]}"
  exit 1
fi
done_step

# ---------------------------------------------------------------------------
begin create "npx @backstage/create-app@$CREATE_APP_VERSION"
rm -rf "$app"
# BACKSTAGE_APP_NAME answers the name prompt. create-app then tries to fetch a
# yarn.lock seed from GitHub, which is out of reach here (see `install`).
(cd "$work" && BACKSTAGE_APP_NAME=app npx --yes "@backstage/create-app@$CREATE_APP_VERSION" \
  --path app --skip-install) </dev/null >"$work/create.log" 2>&1
ours="$(node -p "require('./backstage.json').version")"
theirs="$(node -p "require('$app/backstage.json').version")"
if [ "$ours" != "$theirs" ]; then
  slipway_log "create-app $CREATE_APP_VERSION made a Backstage $theirs app, but this repository is on $ours (backstage.json): change CREATE_APP_VERSION in $0 to the create-app of $ours"
  exit 1
fi
done_step

# ---------------------------------------------------------------------------
begin install "yarn install, then the READMEs' install commands"
# This repository's yarn, not one from the internet (the template pins the same
# release; copying ours keeps the two from drifting apart).
release="$(ls .yarn/releases/yarn-*.cjs | head -n 1)"
mkdir -p "$app/.yarn/releases"
cp "$release" "$app/.yarn/releases/"
sed -i "s|^yarnPath:.*|yarnPath: .yarn/releases/$(basename "$release")|" "$app/.yarnrc.yml"

# Root resolutions, standing in for what a registry and a lockfile seed give a
# stranger: every @slipway/* name maps to its tarball (none is on npm), and
# @backstage/* is pinned to this release — the app's own direct versions, as
# create-app wrote them, then this repository's pins for the rest. Without the
# seed, caret ranges alone would mix release lines.
node - "$app" "${tarballs[@]}" <<'EOF'
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const [app, ...tarballs] = process.argv.slice(2);
const rootFile = path.join(app, 'package.json');
const root = JSON.parse(fs.readFileSync(rootFile, 'utf8'));
const pins = {};
for (const file of [rootFile, ...['app', 'backend'].map(p => path.join(app, 'packages', p, 'package.json'))]) {
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (name.startsWith('@backstage/')) pins[name] = range.replace(/^[\^~]/, '');
  }
}
const ours = require(path.resolve('package.json')).resolutions;
for (const [name, version] of Object.entries(ours)) {
  if (name.startsWith('@backstage/') && !(name in pins)) pins[name] = version;
}
// Named by content: yarn caches a file: tarball by its path, and a rebuilt
// package must not be served from an older run's cache.
const slipway = {};
const versions = {};
const copies = path.join(path.dirname(app), 'tarballs');
fs.rmSync(copies, { recursive: true, force: true });
fs.mkdirSync(copies);
for (const tarball of tarballs) {
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const hash = require('crypto').createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 12);
  const copy = path.join(copies, `${path.basename(tarball, '.tgz')}-${hash}.tgz`);
  fs.copyFileSync(tarball, copy);
  slipway[manifest.name] = `file:${copy}`;
  versions[manifest.name] = manifest.version;
}
root.resolutions = { ...root.resolutions, ...pins, ...slipway };
fs.writeFileSync(rootFile, `${JSON.stringify(root, null, 2)}\n`);
fs.writeFileSync(path.join(path.dirname(app), 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
EOF

# A stranger's first install writes the new app's lockfile. Under CI=true yarn
# forbids that (immutable installs), which is right for this repository and
# wrong for an app being set up: allow it for the app's install and adds.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false
(cd "$app" && yarn install) </dev/null >"$work/install.log" 2>&1

# The READMEs' commands, word for word. `yarn add` without a range asks the
# registry for the newest version, which a tarball does not have; the range of
# the tarball's version is what that answer would be once published.
readme_add() {
  local readme="$1" workspace="$2" name="$3"
  local command="yarn --cwd packages/$workspace add $name"
  grep -qF -- "$command" "$readme" ||
    { slipway_log "$readme no longer says \`$command\`: update this test with it"; return 1; }
  local version
  version="$(node -p "require('$work/versions.json')['$name']")"
  slipway_log "  $command"
  (cd "$app" && yarn --cwd "packages/$workspace" add "$name@^$version") </dev/null >>"$work/install.log" 2>&1
}
readme_add plugins/deploy-backend/README.md backend @slipway/plugin-deploy-backend
readme_add plugins/scaffolder-actions/README.md backend @slipway/plugin-scaffolder-backend-module-deploy
readme_add plugins/deploy/README.md app @slipway/plugin-deploy
done_step

# The fenced block after `<!-- adoption-test:NAME -->` in a README, unindented.
readme_block() {
  node - "$1" "$2" <<'JS'
const fs = require('fs');
const [file, name] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const marker = `<!-- adoption-test:${name} -->`;
const match = text.includes(marker) &&
  text.slice(text.indexOf(marker)).match(/\n( *)```[a-z]*\n([\s\S]*?)\n *```/);
if (!match) {
  console.error(`${file} has no code block after ${marker}`);
  process.exit(1);
}
const indent = match[1].length;
process.stdout.write(`${match[2].split('\n').map(line => line.slice(indent)).join('\n')}\n`);
JS
}

# ---------------------------------------------------------------------------
begin build "the READMEs' backend lines, config and annotation; yarn workspace app build"
# Backend: the README's lines, before `backend.start()`.
readme_line() {
  grep -qF -- "$2" "$1" ||
    { slipway_log "$1 no longer says \`$2\`: update this test with it"; return 1; }
  printf '%s\n' "$2"
}
{
  readme_line plugins/deploy-backend/README.md "backend.add(import('@slipway/plugin-deploy-backend'));"
  readme_line plugins/scaffolder-actions/README.md "backend.add(import('@slipway/plugin-scaffolder-backend-module-deploy'));"
} >"$work/backend-lines.ts"
node - "$app/packages/backend/src/index.ts" "$work/backend-lines.ts" <<'EOF'
const fs = require('fs');
const [file, linesFile] = process.argv.slice(2);
const source = fs.readFileSync(file, 'utf8');
if (!source.includes('backend.start();')) throw new Error(`${file} has no backend.start()`);
fs.writeFileSync(file, source.replace('backend.start();', `${fs.readFileSync(linesFile, 'utf8')}\nbackend.start();`));
EOF
# Frontend: nothing. The template discovers plugins (`app.packages: all`), which
# is the README's first case; check that it still does.
grep -q '^  packages: all' "$app/app-config.yaml" ||
  { slipway_log "the new app no longer discovers plugins (app.packages: all): the frontend needs the README's features step"; exit 1; }

# Config: the README's minimal block, as written (its ${SLIPWAY_KUBECONFIG} is
# the local cluster's least-privilege account, exported above).
readme_block plugins/deploy-backend/README.md app-config >"$app/app-config.local.yaml"
# The Role the README tells users to grant is the one that account has.
readme_block plugins/deploy-backend/README.md rbac >"$work/readme-rbac.yaml"
node - "$work/readme-rbac.yaml" tools/local-cluster/sim/rbac.yaml <<'JS'
const fs = require('fs');
const yaml = require(require.resolve('yaml', { paths: [process.cwd()] }));
const [readme, cluster] = process.argv.slice(2).map(file =>
  yaml.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS()).filter(Boolean));
const key = o => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const inCluster = new Map(cluster.map(o => [key(o), o]));
if (!readme.some(o => o.kind === 'Role')) {
  console.error('plugins/deploy-backend/README.md grants no Role');
  process.exit(1);
}
for (const object of readme) {
  if (JSON.stringify(inCluster.get(key(object))) !== JSON.stringify(object)) {
    console.error(`plugins/deploy-backend/README.md grants ${key(object)} differently from tools/local-cluster/sim/rbac.yaml`);
    process.exit(1);
  }
}
JS
# This run's port, so it runs beside a portal on 7007 and the browser tests on 7017.
cat >"$app/app-config.adoption.yaml" <<EOF
app:
  baseUrl: http://localhost:$port
backend:
  baseUrl: http://localhost:$port
  listen: ':$port'
  cors:
    origin: http://localhost:$port
EOF
# Catalog: the README's annotation on the example component.
node - "$app/examples/entities.yaml" "$service" <<'EOF'
const fs = require('fs');
const [file, name] = process.argv.slice(2);
const source = fs.readFileSync(file, 'utf8');
const anchor = `kind: Component\nmetadata:\n  name: ${name}\n`;
if (!source.includes(anchor)) throw new Error(`${file} has no Component ${name}`);
fs.writeFileSync(file, source.replace(anchor, `${anchor}  annotations:\n    slipway.dev/service: ${name}\n`));
EOF
grep -qF 'slipway.dev/service:' plugins/deploy/README.md ||
  { slipway_log "plugins/deploy/README.md no longer names the slipway.dev/service annotation"; exit 1; }

(cd "$app" && yarn workspace app build --config ../../app-config.yaml --config ../../app-config.local.yaml \
  --config ../../app-config.adoption.yaml) </dev/null >"$work/build.log" 2>&1
done_step

# ---------------------------------------------------------------------------
begin start "the app's backend on :$port"
# What `yarn start` runs for the backend, without its file watcher.
(
  cd "$app/packages/backend"
  export NODE_ENV=development
  exec node --require @backstage/cli-node/config/nodeTransform.cjs src/index \
    --config ../../app-config.yaml --config ../../app-config.local.yaml \
    --config ../../app-config.adoption.yaml
) </dev/null >"$work/backend.log" 2>&1 &
backend_pid=$!
for _ in $(seq 1 180); do
  if curl -fsS "http://localhost:$port/api/deploy/health" >/dev/null 2>&1 &&
    curl -fsS "http://localhost:$port/.backstage/health/v1/readiness" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    slipway_log "the app's backend exited (log: $work/backend.log)"
    exit 1
  fi
  sleep 1
done
curl -fsS "http://localhost:$port/api/deploy/health" >/dev/null ||
  { slipway_log "the app's backend did not answer in 180s"; exit 1; }
done_step

# ---------------------------------------------------------------------------
begin test "the adoption spec in Chromium"
SLIPWAY_CHROMIUM="$(bash packages/e2e-tests/src/ensureChromium.sh)"
export SLIPWAY_CHROMIUM
export SLIPWAY_ADOPTION_URL="http://localhost:$port" SLIPWAY_ADOPTION_SERVICE="$service"
CI=true yarn workspace @slipway/e2e-tests playwright test --config playwright.adoption.config.ts \
  2>&1 | tee "$work/test.log"
done_step

step=done
slipway_log "the adoption test passed"
