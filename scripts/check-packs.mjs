#!/usr/bin/env node
// The two halves of scripts/check-packs.sh that are easier in JavaScript:
//
//   node scripts/check-packs.mjs list
//     prints "<folder> <tarball file name>" for each publishable package:
//     every folder under plugins/ whose package.json is not private.
//   node scripts/check-packs.mjs check <folder> <tarball>
//     checks that the packed package.json points only at files in the
//     tarball, as an app that installs it from the registry would find them.
//
// A tarball is what npm publishes; a field that resolves in the workspace
// (src/index.ts, workspace:^) but not in the tarball breaks every adopter.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = file => JSON.parse(readFileSync(file, 'utf8'));

/** `@slipway/plugin-deploy` → `slipway-plugin-deploy.tgz`, as npm names packs, without the version. */
function tarballName(name) {
  return `${name.replace(/^@/, '').replace('/', '-')}.tgz`;
}

function listPublishable() {
  const plugins = join(root, 'plugins');
  return readdirSync(plugins, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => join(plugins, entry.name))
    .filter(dir => existsSync(join(dir, 'package.json')))
    .filter(dir => readJson(join(dir, 'package.json')).private !== true)
    .sort();
}

function listFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap(
    entry => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, path) : [path];
    },
  );
}

/** A package path (`./dist/*.js`, `dist/`) as a test on the tarball's file list. */
function matcher(target) {
  const path = target.replace(/^\.\//, '').replace(/\/$/, '');
  const pattern = path
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^]*');
  // A folder matches the files in it, as in `files`.
  return new RegExp(`^${pattern}(/.*)?$`);
}

/** Every string target in an `exports` value, with where it sits. */
function exportTargets(value, at) {
  if (typeof value === 'string') {
    return [[at, value]];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => exportTargets(item, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return (
      Object.entries(value)
        // Backstage's prepack names the feature type there, not a file.
        .filter(([key]) => key !== 'backstage')
        .flatMap(([key, item]) =>
          exportTargets(item, `${at}[${JSON.stringify(key)}]`),
        )
    );
  }
  return []; // null: an explicitly hidden subpath
}

function checkManifest(manifest, files, sourceDir) {
  const problems = [];
  const has = target => files.some(file => matcher(target).test(file));

  const targets = [];
  for (const field of ['main', 'types', 'module', 'browser']) {
    if (typeof manifest[field] === 'string') {
      targets.push([field, manifest[field]]);
    }
  }
  if (typeof manifest.exports === 'string' || manifest.exports) {
    targets.push(...exportTargets(manifest.exports, 'exports'));
  }
  for (const [range, map] of Object.entries(manifest.typesVersions ?? {})) {
    for (const [subpath, list] of Object.entries(map)) {
      list.forEach((target, i) =>
        targets.push([
          `typesVersions[${JSON.stringify(range)}][${JSON.stringify(
            subpath,
          )}][${i}]`,
          target,
        ]),
      );
    }
  }
  if (typeof manifest.configSchema === 'string') {
    targets.push(['configSchema', manifest.configSchema]);
  }

  for (const [field, target] of targets) {
    if (field.startsWith('exports') && !target.startsWith('./')) {
      problems.push(
        `${field} is ${target}: Node.js needs a path starting with ./`,
      );
    } else if (/^(\.\/)?src(\/|$)/.test(target)) {
      problems.push(
        `${field} is ${target}, which points into src/: was the package packed without its prepack script?`,
      );
    } else if (!has(target)) {
      problems.push(`${field} is ${target}, which is not in the tarball`);
    }
  }

  for (const entry of manifest.files ?? []) {
    if (!has(entry.replace(/^!/, ''))) {
      problems.push(`files entry ${entry} matched nothing in the tarball`);
    }
  }

  // A schema in the folder that the packed manifest does not declare is a
  // schema the adopter's backend never loads.
  if (
    existsSync(join(sourceDir, 'config.d.ts')) &&
    manifest.configSchema === undefined
  ) {
    problems.push('configSchema is missing, but the package has a config.d.ts');
  }

  for (const field of [
    'dependencies',
    'devDependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(
          `${field}["${name}"] is ${range}, which only resolves in this repository`,
        );
      }
    }
  }
  return problems;
}

function check(sourceDir, tarball) {
  const unpacked = mkdtempSync(join(tmpdir(), 'slipway-pack-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    const dir = join(unpacked, 'package');
    const manifest = readJson(join(dir, 'package.json'));
    const problems = checkManifest(manifest, listFiles(dir), sourceDir);
    const label = `${manifest.name} (${relative(root, tarball)})`;
    if (problems.length) {
      for (const problem of problems) {
        console.error(`FAIL ${label}: ${problem}`);
      }
      return false;
    }
    console.log(`OK   ${label}`);
    return true;
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'list') {
  for (const dir of listPublishable()) {
    const { name } = readJson(join(dir, 'package.json'));
    console.log(`${relative(root, dir)} ${tarballName(name)}`);
  }
} else if (command === 'check' && args.length === 2) {
  process.exitCode = check(resolve(args[0]), resolve(args[1])) ? 0 : 1;
} else {
  console.error(
    'usage: check-packs.mjs list | check-packs.mjs check <package folder> <tarball>',
  );
  process.exitCode = 2;
}
