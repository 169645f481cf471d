// Who may do what in Slipway, proven over the real HTTP API with real tokens:
// the real auth backend issues user tokens from the catalog (with the users'
// groups), static external access tokens stand for service principals, and
// the portal's own permission policy decides, through the real permission
// backend. Kubernetes is the local cluster, behind a proxy that records every
// call, so a refused request is shown to have reached no cluster.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import deployPlugin from '@slipway/plugin-deploy-backend';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import {
  CapturedLogLine,
  capturingServices,
} from './__testUtils__/capturingServices';
import { startCountingKubernetesProxy } from './__testUtils__/countingKubernetesProxy';
import {
  TEST_USER_HEADER,
  authModuleSignInAsAnyCatalogUser,
} from './__testUtils__/signInAsAnyCatalogUser';
import permissionPolicyModule from './modules/permissionPolicy';

jest.setTimeout(300_000);

const kubeconfigPath = process.env.SLIPWAY_KUBECONFIG;
const describeOnCluster = kubeconfigPath ? describe : describe.skip;
if (!kubeconfigPath && process.env.SLIPWAY_REQUIRE_CLUSTER) {
  throw new Error(
    'SLIPWAY_REQUIRE_CLUSTER is set but SLIPWAY_KUBECONFIG is not: the permission matrix must run against the local cluster',
  );
}

const SERVICE = `pm-${Date.now().toString(36)}`;

/** The org: alice and bob own the service; carol is another team; erin is the platform team. */
function writeCatalog(): string {
  const group = (name: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type: 'team', children: [] },
  });
  const user = (name: string, memberOf: string[]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name },
    spec: { memberOf },
  });
  const entities = [
    group('team-payments'),
    group('team-growth'),
    group('team-platform'),
    user('alice', ['team-payments']),
    user('bob', ['team-payments']),
    user('carol', ['team-growth']),
    user('erin', ['team-platform']),
    // Owns the service and may override the promotion order.
    user('pat', ['team-payments', 'team-platform']),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: SERVICE,
        annotations: { 'slipway.dev/service': SERVICE },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-payments',
      },
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'slipway-matrix-'));
  const path = join(dir, 'entities.yaml');
  // JSON documents are YAML.
  writeFileSync(path, entities.map(e => JSON.stringify(e)).join('\n---\n'));
  return path;
}

function writeKubeconfig(server: string, token: string): string {
  const path = join(
    mkdtempSync(join(tmpdir(), 'slipway-matrix-')),
    'kubeconfig',
  );
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP to the proxy on loopback, which client-node allows only so.
      clusters: [
        { name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  return path;
}

// Static external access tokens of this test's backend only.
const BOT_TOKEN = 'matrix-bot-token-unrestricted';
const READER_TOKEN = 'matrix-reader-token-read-only';
const DEPLOYER_TOKEN = 'matrix-deployer-token-read-create';

const SPEC = {
  image: `registry.local/shop/${SERVICE}`,
  port: 8080,
  channels: {
    dev: {
      replicas: 1,
      env: {
        MODE: 'plain',
        DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } },
      },
    },
    prod: { replicas: 1, env: {} },
  },
};

type Caller =
  | 'owner'
  | 'otherTeam'
  | 'platformAdmin'
  | 'servicePrincipal'
  | 'readOnlyPrincipal';
const CALLERS: Caller[] = [
  'otherTeam',
  'platformAdmin',
  'servicePrincipal',
  'readOnlyPrincipal',
  'owner',
];

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

interface Row {
  operation: string;
  /** Set for routes that act on one channel. */
  channel?: 'dev' | 'prod';
  changesState: boolean;
  call: (ids: { pending: string; succeeded: string }, caller: Caller) => Call;
  expect: Record<Caller, number>;
}

const refusedExceptOwner = (owner: number): Record<Caller, number> => ({
  owner,
  otherTeam: 403,
  platformAdmin: 403,
  servicePrincipal: 403,
  readOnlyPrincipal: 403,
});
const readable = (status: number): Record<Caller, number> => ({
  owner: status,
  otherTeam: status,
  platformAdmin: status,
  // No Slipway permission named in its access restrictions: refused.
  servicePrincipal: 403,
  readOnlyPrincipal: status,
});
const everyone = (status: number): Record<Caller, number> => ({
  owner: status,
  otherTeam: status,
  platformAdmin: status,
  servicePrincipal: status,
  readOnlyPrincipal: status,
});

const window = () => {
  const to = new Date(Date.now() + 3600_000).toISOString();
  const from = new Date(Date.now() - 7 * 86400_000).toISOString();
  return new URLSearchParams({
    team: 'group:default/team-payments',
    from,
    to,
  }).toString();
};

const ROWS: Row[] = [
  {
    operation: 'listChannels',
    changesState: false,
    call: () => ({ method: 'GET', path: '/channels' }),
    expect: everyone(200),
  },
  // Lists are filtered, never refused: an unauthorised caller sees nothing.
  {
    operation: 'listServices',
    changesState: false,
    call: () => ({ method: 'GET', path: '/services' }),
    expect: everyone(200),
  },
  {
    // The takeover: another team re-registers the service with its own
    // spec. The owner sends the spec it has.
    operation: 'registerService',
    changesState: true,
    call: (_ids, caller) => ({
      method: 'POST',
      path: '/services',
      body: {
        name: SERVICE,
        entityRef: `component:default/${SERVICE}`,
        spec:
          caller === 'owner'
            ? SPEC
            : {
                ...SPEC,
                migration: {
                  command: ['sh', '-c', 'echo pwned'],
                  timeoutSeconds: 60,
                  retries: 0,
                },
              },
      },
    }),
    expect: refusedExceptOwner(201),
  },
  {
    operation: 'renderService',
    changesState: false,
    call: () => ({
      method: 'POST',
      path: '/services/render',
      body: {
        name: 'anything',
        entityRef: 'component:default/anything',
        spec: SPEC,
      },
    }),
    expect: everyone(200),
  },
  {
    operation: 'getService',
    changesState: false,
    call: () => ({ method: 'GET', path: `/services/${SERVICE}` }),
    expect: readable(200),
  },
  {
    operation: 'getServiceStatus',
    changesState: false,
    call: () => ({ method: 'GET', path: `/services/${SERVICE}/status` }),
    expect: readable(200),
  },
  ...(['dev', 'prod'] as const).flatMap((channel): Row[] => [
    {
      operation: 'provisionChannel',
      channel,
      changesState: true,
      call: () => ({
        method: 'POST',
        path: `/services/${SERVICE}/channels/${channel}/provision`,
      }),
      expect: refusedExceptOwner(200),
    },
    {
      operation: 'rollback',
      channel,
      changesState: true,
      call: () => ({
        method: 'POST',
        path: `/services/${SERVICE}/channels/${channel}/rollback`,
      }),
      // The owner may; there is no earlier version to go back to.
      expect: refusedExceptOwner(409),
    },
    {
      operation: 'getPodLogs',
      channel,
      changesState: false,
      call: () => ({
        method: 'GET',
        path: `/services/${SERVICE}/channels/${channel}/pods/no-such-pod/logs?container=app`,
      }),
      expect: readable(404),
    },
  ]),
  {
    operation: 'listDeployments',
    changesState: false,
    call: () => ({ method: 'GET', path: `/deployments?service=${SERVICE}` }),
    expect: everyone(200),
  },
  {
    operation: 'getDeployment',
    changesState: false,
    call: ids => ({ method: 'GET', path: `/deployments/${ids.succeeded}` }),
    expect: readable(200),
  },
  {
    operation: 'getTeamMetrics',
    changesState: false,
    call: () => ({ method: 'GET', path: `/metrics?${window()}` }),
    expect: everyone(200),
  },
  {
    operation: 'approveDeployment',
    channel: 'dev',
    changesState: true,
    call: ids => ({
      method: 'POST',
      path: `/deployments/${ids.succeeded}/approve`,
    }),
    expect: refusedExceptOwner(409),
  },
  {
    operation: 'approveDeployment',
    channel: 'prod',
    changesState: true,
    call: ids => ({
      method: 'POST',
      path: `/deployments/${ids.pending}/approve`,
    }),
    // The owner who requested it may not approve it: prod wants someone else.
    expect: refusedExceptOwner(403),
  },
  {
    operation: 'cancelDeployment',
    channel: 'dev',
    changesState: true,
    call: ids => ({
      method: 'POST',
      path: `/deployments/${ids.succeeded}/cancel`,
    }),
    expect: refusedExceptOwner(409),
  },
  {
    operation: 'cancelDeployment',
    channel: 'prod',
    changesState: true,
    call: ids => ({
      method: 'POST',
      path: `/deployments/${ids.pending}/cancel`,
    }),
    expect: refusedExceptOwner(200),
  },
  {
    operation: 'createDeployment',
    channel: 'prod',
    changesState: true,
    call: () => ({
      method: 'POST',
      path: '/deployments',
      body: { service: SERVICE, channel: 'prod', version: '1.0.1' },
    }),
    // The owner may; 1.0.1 has not succeeded in dev yet.
    expect: refusedExceptOwner(409),
  },
  {
    operation: 'createDeployment',
    channel: 'dev',
    changesState: true,
    call: () => ({
      method: 'POST',
      path: '/deployments',
      body: { service: SERVICE, channel: 'dev', version: '1.0.1' },
    }),
    expect: refusedExceptOwner(201),
  },
];

describeOnCluster(
  'the permission matrix, over HTTP with real tokens and the portal policy',
  () => {
    const databases = TestDatabases.create({
      ids: ['SQLITE_3', 'POSTGRES_15'],
    });
    const catalogPath = writeCatalog();

    // The Secret the service's env refers to exists, created outside Slipway
    // (by the cluster's admin); without it its pods could not start.
    beforeAll(async () => {
      const admin = new KubeConfig();
      admin.loadFromFile(process.env.SLIPWAY_ADMIN_KUBECONFIG!);
      await admin
        .makeApiClient(CoreV1Api)
        .createNamespacedSecret({
          namespace: 'slipway-dev',
          body: {
            metadata: { name: 'db' },
            stringData: { password: 'kept-by-the-cluster' },
          },
        })
        .catch(error => {
          if (error?.code !== 409) {
            throw error;
          }
        });
    });

    async function start(databaseId: TestDatabaseId) {
      const proxy = await startCountingKubernetesProxy(kubeconfigPath!);
      const knex = await databases.init(databaseId);
      const captured = capturingServices();
      const backend = await startTestBackend({
        features: [
          authServiceFactory,
          httpAuthServiceFactory,
          userInfoServiceFactory,
          permissionsServiceFactory,
          ...captured.factories,
          databasePerPlugin(knex),
          mockServices.rootConfig.factory({
            data: {
              backend: {
                auth: {
                  externalAccess: [
                    {
                      type: 'static',
                      options: { token: BOT_TOKEN, subject: 'automation-bot' },
                    },
                    {
                      type: 'static',
                      options: {
                        token: READER_TOKEN,
                        subject: 'dashboard-reader',
                      },
                      accessRestrictions: [
                        { plugin: 'deploy', permission: 'deploy.read' },
                      ],
                    },
                    {
                      type: 'static',
                      options: {
                        token: DEPLOYER_TOKEN,
                        subject: 'ci-deployer',
                      },
                      accessRestrictions: [
                        {
                          plugin: 'deploy',
                          permission: ['deploy.read', 'deploy.create'],
                        },
                      ],
                    },
                  ],
                },
              },
              app: { baseUrl: 'http://localhost:3000' },
              permission: { enabled: true },
              auth: { providers: { 'slipway-test': {} } },
              catalog: {
                rules: [{ allow: ['Component', 'User', 'Group', 'Location'] }],
                locations: [{ type: 'file', target: catalogPath }],
              },
              deploy: {
                clusters: [
                  {
                    name: 'local',
                    kubeconfigPath: writeKubeconfig(proxy.url, proxy.token),
                  },
                  // Nothing listens there: an unreachable cluster.
                  {
                    name: 'gone',
                    kubeconfigPath: writeKubeconfig(
                      'http://127.0.0.1:9',
                      proxy.token,
                    ),
                  },
                ],
                worker: { pollIntervalMs: 200 },
                api: { validateResponses: true },
                channels: [
                  {
                    name: 'dev',
                    cluster: 'local',
                    progressDeadlineSeconds: 60,
                  },
                  {
                    name: 'prod',
                    cluster: 'local',
                    approval: { required: true, approverMustDiffer: true },
                  },
                  // Slipway's account has no Role in "default": the cluster says 403.
                  { name: 'locked', cluster: 'local', namespace: 'default' },
                  { name: 'remote', cluster: 'gone' },
                ],
              },
            },
          }),
          authPlugin,
          authModuleSignInAsAnyCatalogUser,
          catalogPlugin,
          permissionPlugin,
          permissionPolicyModule,
          deployPlugin,
        ],
      });
      const base = `http://127.0.0.1:${
        (backend.server.address() as AddressInfo).port
      }/api`;

      /** Every answer the API gave, for the leak scan. */
      const responses: string[] = [];
      async function call(token: string, { method, path, body }: Call) {
        const response = await fetch(`${base}/deploy${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        responses.push(text);
        return {
          status: response.status,
          body: text ? JSON.parse(text) : undefined,
        };
      }

      async function signIn(name: string): Promise<string> {
        for (let i = 0; i < 150; i++) {
          const response = await fetch(`${base}/auth/slipway-test/refresh`, {
            headers: {
              'X-Requested-With': 'XMLHttpRequest',
              [TEST_USER_HEADER]: name,
            },
          });
          if (response.ok) {
            const session = await response.json();
            // The catalog must have read the user's groups and the component.
            const entity = await fetch(
              `${base}/catalog/entities/by-name/component/default/${SERVICE}`,
              {
                headers: {
                  Authorization: `Bearer ${session.backstageIdentity.token}`,
                },
              },
            );
            if (
              session.backstageIdentity.identity.ownershipEntityRefs.length >
                1 &&
              entity.ok
            ) {
              return session.backstageIdentity.token;
            }
          }
          await new Promise(resolve => setTimeout(resolve, 200));
        }
        throw new Error(`could not sign in as ${name}`);
      }

      return { backend, knex, proxy, captured, call, signIn, responses };
    }

    async function snapshot(knex: Knex, calls: () => unknown[]) {
      const services = await knex('services').orderBy('name');
      const [{ n: deployments }] = await knex('deployments').count({ n: '*' });
      const [{ n: events }] = await knex('deployment_events').count({ n: '*' });
      return {
        services: JSON.stringify(services),
        deployments: Number(deployments),
        events: Number(events),
        kubernetesCalls: calls().length,
      };
    }

    async function waitFor<T>(
      what: string,
      check: () => Promise<T | undefined | false>,
      timeoutMs = 90_000,
    ) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value) {
          return value;
        }
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    }

    it.each(databases.eachSupportedId())('on %p', async databaseId => {
      const { backend, knex, proxy, captured, call, signIn, responses } =
        await start(databaseId);
      try {
        const tokens: Record<Caller, string> = {
          owner: await signIn('alice'),
          otherTeam: await signIn('carol'),
          platformAdmin: await signIn('erin'),
          servicePrincipal: BOT_TOKEN,
          readOnlyPrincipal: READER_TOKEN,
        };
        const bob = await signIn('bob');

        // The owner sets the service up: registered, 1.0.0 succeeded in dev,
        // and a promotion to prod waiting for approval.
        const registered = await call(tokens.owner, {
          method: 'POST',
          path: '/services',
          body: {
            name: SERVICE,
            entityRef: `component:default/${SERVICE}`,
            spec: SPEC,
          },
        });
        expect(registered.status).toBe(201);
        // The owner comes from the catalog entity.
        expect(registered.body.ownerRef).toBe('group:default/team-payments');
        const first = await call(tokens.owner, {
          method: 'POST',
          path: '/deployments',
          body: { service: SERVICE, channel: 'dev', version: '1.0.0' },
        });
        expect(first.status).toBe(201);
        const ended = await waitFor('1.0.0 to end in dev', async () => {
          const d = await call(tokens.owner, {
            method: 'GET',
            path: `/deployments/${first.body.id}`,
          });
          return (
            ['succeeded', 'failed', 'rolled_back'].includes(
              d.body.deployment.status,
            ) && d.body
          );
        });
        expect({
          status: ended.deployment.status,
          events: ended.events.map((e: { message: string }) => e.message),
        }).toMatchObject({ status: 'succeeded' });
        const pending = await call(tokens.owner, {
          method: 'POST',
          path: '/deployments',
          body: { service: SERVICE, channel: 'prod' },
        });
        expect(pending.body.status).toBe('awaiting_approval');
        const ids = { pending: pending.body.id, succeeded: first.body.id };
        // The shared watch is started once; later reads cost the API server nothing.
        const warm = await call(tokens.owner, {
          method: 'GET',
          path: `/services/${SERVICE}/status`,
        });
        expect({
          status: warm.status,
          body: warm.status === 200 ? undefined : warm.body,
        }).toEqual({ status: 200 });

        const results: string[] = [];
        /** Every way a row went wrong; the matrix passes when there is none. */
        const violations: string[] = [];
        const actorIds: Record<Caller, string> = {
          owner: 'user:default/alice',
          otherTeam: 'user:default/carol',
          platformAdmin: 'user:default/erin',
          servicePrincipal: 'automation-bot',
          readOnlyPrincipal: 'dashboard-reader',
        };
        for (const caller of CALLERS) {
          for (const row of ROWS) {
            const name = `${caller} ${row.operation}${
              row.channel ? ` ${row.channel}` : ''
            }`;
            const before = await snapshot(knex, proxy.calls);
            const auditBefore = captured.auditRecords.length;
            const response = await call(tokens[caller], row.call(ids, caller));
            const after = await snapshot(knex, proxy.calls);
            const expected = row.expect[caller];
            results.push(`${name}: ${response.status}`);
            if (response.status !== expected) {
              violations.push(
                `${name}: ${response.status}, expected ${expected} (${response.body?.error?.message})`,
              );
            }
            // The proxy does see Slipway's calls: an allowed provisioning made some.
            if (
              row.operation === 'provisionChannel' &&
              response.status === 200 &&
              after.kubernetesCalls <= before.kubernetesCalls
            ) {
              violations.push(
                `${name}: provisioning made no Kubernetes call the proxy saw`,
              );
            }
            if (response.status !== 403) {
              continue;
            }
            if (
              !/may not|someone other than the requester/.test(
                response.body?.error?.message,
              )
            ) {
              violations.push(
                `${name}: 403 without saying what may not be done`,
              );
            }
            // A refused call wrote nothing and reached no cluster...
            if (JSON.stringify(after) !== JSON.stringify(before)) {
              violations.push(
                `${name}: refused, yet changed ${JSON.stringify(
                  before,
                )} to ${JSON.stringify(after)}`,
              );
            }
            // ...and a refused change is an audit record naming who and the permission.
            const refusal = captured.auditRecords
              .slice(auditBefore)
              .find(r => r.status === 'failed');
            const permission = (
              refusal?.meta as { permission?: string } | undefined
            )?.permission;
            if (
              row.changesState &&
              (refusal?.actor.actorId !== actorIds[caller] ||
                !permission?.startsWith('deploy.'))
            ) {
              violations.push(
                `${name}: no audit record of the refusal with the caller and permission`,
              );
            }
          }
        }
        expect(violations).toEqual([]);
        // eslint-disable-next-line no-console
        console.log(
          `permission matrix on ${databaseId}: ${
            results.length
          } calls\n${results.join('\n')}`,
        );

        // The takeover changed nothing: the owner and spec are the owner's.
        const service = await call(tokens.owner, {
          method: 'GET',
          path: `/services/${SERVICE}`,
        });
        expect(service.body.ownerRef).toBe('group:default/team-payments');
        expect(service.body.spec.migration).toBeUndefined();

        // Readers who may not update the service see literals hidden, references by name.
        const asOther = await call(tokens.otherTeam, {
          method: 'GET',
          path: `/services/${SERVICE}`,
        });
        expect(asOther.body.spec.channels.dev.env).toEqual({
          MODE: { hidden: true },
          DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } },
        });
        expect(service.body.spec.channels.dev.env.MODE).toBe('plain');

        // An unauthorised service principal's lists are empty; a reader's are not.
        const botList = await call(BOT_TOKEN, {
          method: 'GET',
          path: `/deployments?service=${SERVICE}`,
        });
        expect(botList.body.items).toEqual([]);
        const readerList = await call(READER_TOKEN, {
          method: 'GET',
          path: `/deployments?service=${SERVICE}`,
        });
        expect(readerList.body.items.length).toBeGreaterThan(0);

        // A service principal granted deploy.create deploys, recorded as itself.
        await waitFor("the owner's 1.0.1 to end in dev", async () => {
          const list = await call(tokens.owner, {
            method: 'GET',
            path: `/deployments?service=${SERVICE}&channel=dev&limit=1`,
          });
          return ['succeeded', 'failed', 'rolled_back'].includes(
            list.body.items[0].status,
          );
        });
        const byCi = await call(DEPLOYER_TOKEN, {
          method: 'POST',
          path: '/deployments',
          body: { service: SERVICE, channel: 'dev', version: '1.0.2' },
        });
        expect(byCi.status).toBe(201);
        expect(byCi.body.requestedBy).toBe('service:ci-deployer');
        // ...but may not approve, roll back or register.
        const ciRollback = await call(DEPLOYER_TOKEN, {
          method: 'POST',
          path: `/services/${SERVICE}/channels/dev/rollback`,
        });
        expect(ciRollback.status).toBe(403);
        expect(ciRollback.body.error.message).toContain('access restrictions');

        // bob, a second owner, may approve what alice requested.
        const again = await call(tokens.owner, {
          method: 'POST',
          path: '/deployments',
          body: { service: SERVICE, channel: 'prod' },
        });
        expect(again.body.status).toBe('awaiting_approval');
        expect(
          (
            await call(bob, {
              method: 'POST',
              path: `/deployments/${again.body.id}/approve`,
            })
          ).status,
        ).toBe(200);

        // Faults that must not leak: a cluster that refuses Slipway's account
        // (403), and a cluster that cannot be reached.
        const lockedProvision = await call(tokens.owner, {
          method: 'POST',
          path: `/services/${SERVICE}/channels/locked/provision`,
        });
        expect(lockedProvision.status).toBe(502);
        expect(lockedProvision.body.error.message).toMatch(
          /does not exist or Slipway may not write to it.*error id/s,
        );
        const remoteProvision = await call(tokens.owner, {
          method: 'POST',
          path: `/services/${SERVICE}/channels/remote/provision`,
        });
        expect(remoteProvision.status).toBe(503);
        expect(remoteProvision.body.error.message).toMatch(
          /Could not reach cluster "remote"|Could not reach cluster "gone"/,
        );
        const status = await call(tokens.owner, {
          method: 'GET',
          path: `/services/${SERVICE}/status`,
        });
        const remote = status.body.channels.find(
          (c: { channel: string }) => c.channel === 'remote',
        );
        expect(remote.error).toMatch(/Could not reach cluster "gone"/);
        // pat owns the service and may override the promotion order: a
        // deployment into the locked namespace fails in the worker.
        const pat = await signIn('pat');
        const locked = await call(pat, {
          method: 'POST',
          path: '/deployments',
          body: {
            service: SERVICE,
            channel: 'locked',
            version: '1.0.0',
            overrideReason: 'leak test',
          },
        });
        expect(locked.status).toBe(201);
        await waitFor(
          'the locked deployment to report its failure',
          async () => {
            const d = await call(pat, {
              method: 'GET',
              path: `/deployments/${locked.body.id}`,
            });
            // Refused by the cluster's RBAC: a permanent failure, before
            // anything is applied, not an endless retry.
            return d.body.events.some(
              (e: { type: string; message: string }) =>
                e.type === 'failed' && /may not get/.test(e.message),
            );
          },
        );

        // A failed rollout, so its notification and evidence are scanned too.
        await waitFor("ci's 1.0.2 to end in dev", async () => {
          const d = await call(tokens.owner, {
            method: 'GET',
            path: `/deployments/${byCi.body.id}`,
          });
          return ['succeeded', 'failed', 'rolled_back'].includes(
            d.body.deployment.status,
          );
        });
        const crash = await call(tokens.owner, {
          method: 'POST',
          path: '/deployments',
          body: {
            service: SERVICE,
            channel: 'dev',
            version: '1.1.0-crashloop',
          },
        });
        expect(crash.status).toBe(201);
        await waitFor('the crash loop to be rolled back', async () => {
          const d = await call(tokens.owner, {
            method: 'GET',
            path: `/deployments/${crash.body.id}`,
          });
          return d.body.deployment.status === 'rolled_back';
        });
        expect(captured.notifications.length).toBeGreaterThan(0);

        // Nothing Slipway said anywhere carries a credential or an address.
        const events = await knex('deployment_events').select(
          'message',
          'data',
        );
        const logs = captured.logLines.filter(
          (l: CapturedLogLine) => l.level !== 'debug',
        );
        const produced = [
          ...responses,
          ...events.map(e => JSON.stringify(e)),
          ...captured.auditRecords.map(r => JSON.stringify(r)),
          ...captured.notifications.map(n => JSON.stringify(n)),
          ...logs.map(l => `${l.message} ${JSON.stringify(l.meta)}`),
        ];
        const secrets = [
          proxy.token,
          proxy.apiServerAddress,
          '127.0.0.1:9/',
          'system:serviceaccount',
          ...databasePassword(),
        ];
        const hits = produced.flatMap(text =>
          secrets
            .filter(s => text.includes(s))
            .map(s => `${s} in ${text.slice(0, 200)}`),
        );
        // eslint-disable-next-line no-console
        console.log(
          `leak scan on ${databaseId}: ${responses.length} responses, ${events.length} events, ${captured.auditRecords.length} audit records, ` +
            `${captured.notifications.length} notifications, ${logs.length} log lines; ${hits.length} hits`,
        );
        expect(hits).toEqual([]);
      } finally {
        await backend.stop();
        await proxy.stop();
      }
    });
  },
);

/**
 * The deploy plugin's database is the one under test (SQLite or PostgreSQL);
 * every other plugin gets its own in-memory SQLite.
 */
function databasePerPlugin(deployKnex: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const client =
        plugin.getId() === 'deploy'
          ? deployKnex
          : knexFactory({
              client: 'better-sqlite3',
              connection: ':memory:',
              useNullAsDefault: true,
            });
      return { getClient: async () => client };
    },
  });
}

/** The PostgreSQL password of the test database, when there is one. */
function databasePassword(): string[] {
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const password = url ? new URL(url).password : '';
  return password ? [decodeURIComponent(password)] : [];
}
