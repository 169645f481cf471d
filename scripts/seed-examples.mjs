#!/usr/bin/env node
// Registers the example services (examples/entities.yaml) with the local
// portal's deploy backend and gives them some history, so a fresh portal has
// something to show. Idempotent: registering again updates, and deployments
// are only started for versions a channel has not had yet.
//
// Usage: node scripts/seed-examples.mjs [backend URL, default http://localhost:7007]
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.argv[2] ?? 'http://localhost:7007';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const services = [
  { name: 'checkout', owner: 'team-payments', migration: true },
  { name: 'billing', owner: 'team-payments', migration: true },
  { name: 'signup', owner: 'team-growth' },
  { name: 'notifier', owner: 'team-growth', crash: true },
  { name: 'gateway', owner: 'team-platform' },
  { name: 'status-page', owner: 'team-platform' },
  // Brings its own manifests (examples/search/deploy): published like the
  // new-service template publishes a service on a portal without a git host.
  { name: 'search', owner: 'team-growth', published: true, next: '1.1.0' },
];

/**
 * Copies an example into the local publishing directory (deploy.localPublish
 * in app-config.yaml) and registers its catalog-info.yaml, as
 * deploy:publish:local does; registering it again is a no-op.
 */
async function publishExample(token, name) {
  const target = join(root, '.cache', 'published', name);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(root, 'examples', name), target, {
    recursive: true,
    force: true,
  });
  const response = await fetch(`${base}/api/catalog/locations`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      type: 'file',
      target: join(target, 'catalog-info.yaml'),
    }),
  });
  if (!response.ok && response.status !== 409) {
    throw new Error(
      `registering ${name}'s catalog-info.yaml: ${
        response.status
      } ${await response.text()}`,
    );
  }
}

async function call(token, method, path, body) {
  const response = await fetch(`${base}/api/deploy${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw new Error(
      `${method} ${path}: ${response.status} ${json?.error?.message ?? text}`,
    );
  }
  return json;
}

async function waitUntilEnded(token, id) {
  for (let i = 0; i < 180; i++) {
    const { deployment } = await call(token, 'GET', `/deployments/${id}`);
    if (
      ['succeeded', 'failed', 'rolled_back', 'cancelled', 'rejected'].includes(
        deployment.status,
      )
    ) {
      return deployment;
    }
    if (deployment.status === 'awaiting_approval') {
      await call(token, 'POST', `/deployments/${id}/approve`);
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`deployment ${id} did not end in time`);
}

async function deploy(token, service, channel, version) {
  const existing = await call(
    token,
    'GET',
    `/deployments?service=${service}&channel=${channel}&limit=200`,
  );
  if (existing.items.some(d => d.version === version)) {
    return;
  }
  const created = await call(token, 'POST', '/deployments', {
    service,
    channel,
    version,
  });
  const ended = await waitUntilEnded(token, created.id);
  console.log(`${service} ${version} in ${channel}: ${ended.status}`);
}

async function guestToken() {
  const session = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  }).then(r => r.json());
  return session.backstageIdentity;
}

/**
 * The guest's token carries the teams it belongs to only once the catalog has
 * read examples/org.yaml; on a fresh database that takes a few seconds after
 * the backend starts, and deploying needs the team (the permission policy).
 */
async function guestTokenWithTeams() {
  for (let i = 0; i < 120; i++) {
    const identity = await guestToken();
    if (
      identity.identity.ownershipEntityRefs.some(ref =>
        ref.startsWith('group:'),
      )
    ) {
      return identity.token;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(
    'the catalog did not list the guest as a member of any team in time',
  );
}

/** Slipway takes a service's owner from its catalog entity: wait until the catalog has it. */
async function waitForEntity(token, name) {
  for (let i = 0; i < 120; i++) {
    const response = await fetch(
      `${base}/api/catalog/entities/by-name/component/default/${name}`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    if (response.ok) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`the catalog did not read component:default/${name} in time`);
}

async function main() {
  const token = await guestTokenWithTeams();

  for (const s of services) {
    if (s.published) {
      await publishExample(token, s.name);
    }
    await waitForEntity(token, s.name);
    await call(token, 'POST', '/services', {
      name: s.name,
      entityRef: `component:default/${s.name}`,
      spec: {
        image: `registry.slipway.test/${s.name}`,
        port: 8080,
        // A service with its own manifests takes replicas from its overlays.
        channels: s.published
          ? {}
          : {
              dev: { replicas: 1 },
              staging: { replicas: 2 },
              prod: { replicas: 3 },
            },
        ...(s.migration && {
          migration: {
            command: ['./migrate', 'up'],
            timeoutSeconds: 120,
            retries: 1,
          },
        }),
      },
    });
  }
  console.log(`registered ${services.length} example services`);

  await Promise.all(
    services.map(async s => {
      for (const channel of ['dev', 'staging', 'prod']) {
        await deploy(token, s.name, channel, '1.0.0');
      }
      if (s.crash) {
        await deploy(token, s.name, 'dev', '1.1.0-crashloop');
      }
      if (s.next) {
        // Waiting in dev, so its promotion shows what would change.
        await deploy(token, s.name, 'dev', s.next);
      }
    }),
  );
}

main().catch(error => {
  console.error(`seeding the examples failed: ${error.message}`);
  process.exit(1);
});
