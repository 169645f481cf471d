#!/usr/bin/env node
// Pins every @backstage/* package in yarn.lock to the version that was current
// when the Backstage release in backstage.json came out, through root
// `resolutions`. Caret ranges alone mix release lines (a plugin of the newest
// release against an older backend-defaults), which breaks the backend at start.
//
// Usage: node scripts/pin-backstage-release.mjs <release date, e.g. 2026-09-17>
// then `yarn install`. Asks the npm registry for each package's publish times.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const cutoff = new Date(process.argv[2]);
if (Number.isNaN(cutoff.getTime())) {
  console.error('usage: pin-backstage-release.mjs <release date (YYYY-MM-DD)>');
  process.exit(2);
}
const lock = readFileSync('yarn.lock', 'utf8');
const names = [
  ...new Set([...lock.matchAll(/^"(@backstage\/[^@"]+)@/gm)].map(m => m[1])),
].sort();

const isStable = v => /^\d+\.\d+\.\d+$/.test(v);
const compare = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

const pins = {};
for (const name of names) {
  const times = JSON.parse(
    execFileSync('npm', ['view', name, 'time', '--json'], { encoding: 'utf8' }),
  );
  const candidates = Object.entries(times)
    .filter(([v, t]) => isStable(v) && new Date(t) < cutoff)
    .map(([v]) => v)
    .sort(compare);
  if (candidates.length === 0) {
    // Only newer releases depend on it; it drops out once the rest is pinned.
    console.error(`skipped ${name}: no release before ${process.argv[2]}`);
    continue;
  }
  pins[name] = candidates[candidates.length - 1];
  console.log(`${name} ${pins[name]}`);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const others = Object.fromEntries(
  Object.entries(pkg.resolutions ?? {}).filter(
    ([k]) => !k.startsWith('@backstage/'),
  ),
);
pkg.resolutions = { ...others, ...pins };
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
