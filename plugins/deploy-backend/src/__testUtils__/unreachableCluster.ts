import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a kubeconfig for a cluster nothing listens on, for tests that start
 * the plugin without touching Kubernetes: a call that did reach it would fail.
 */
export function writeUnreachableKubeconfig(): string {
  const path = join(
    mkdtempSync(join(tmpdir(), 'deploy-plugin-')),
    'kubeconfig',
  );
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:9' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  return path;
}
