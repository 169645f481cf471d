// How CI and AI agents reach Slipway the Backstage way, proven against the
// real backend and the local cluster: Slipway's deploy:* actions over the
// actions registry's HTTP API with a static external access token, through
// Backstage's own actions CLI with that token, and through the MCP actions
// backend with users' tokens, the portal's permission policy deciding.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import deployPlugin from '@slipway/plugin-deploy-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { capturingServices } from './__testUtils__/capturingServices';
import {
  TEST_USER_HEADER,
  authModuleSignInAsAnyCatalogUser,
} from './__testUtils__/signInAsAnyCatalogUser';
import permissionPolicyModule from './modules/permissionPolicy';

jest.setTimeout(300_000);

const kubeconfigPath = process.env.SLIPWAY_KUBECONFIG;
const describeOnCluster = kubeconfigPath
  ? describe
  : // eslint-disable-next-line jest/no-disabled-tests -- no cluster in this run
    describe.skip;
if (!kubeconfigPath && process.env.SLIPWAY_REQUIRE_CLUSTER) {
  throw new Error(
    'SLIPWAY_REQUIRE_CLUSTER is set but SLIPWAY_KUBECONFIG is not: the continuous delivery checks must run against the local cluster',
  );
}

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVICE = `cd-${Date.now().toString(36)}`;

// Static external access tokens of this test's backend only.
const CI_TOKEN = 'cd-test-ci-token-publish-read';
const READER_TOKEN = 'cd-test-reader-token-read-only';

const SLIPWAY_ACTIONS = [
  'deploy:publish-release',
  'deploy:deploy',
  'deploy:promote',
  'deploy:approve',
  'deploy:status',
  'deploy:history',
];

/** alice owns the service (team-payments); carol is on another team. */
function writeCatalog(): string {
  const entities = [
    {
      kind: 'Group',
      metadata: { name: 'team-payments' },
      spec: { type: 'team', children: [] },
    },
    {
      kind: 'Group',
      metadata: { name: 'team-growth' },
      spec: { type: 'team', children: [] },
    },
    {
      kind: 'User',
      metadata: { name: 'alice' },
      spec: { memberOf: ['team-payments'] },
    },
    {
      kind: 'User',
      metadata: { name: 'bob' },
      spec: { memberOf: ['team-payments'] },
    },
    {
      kind: 'User',
      metadata: { name: 'carol' },
      spec: { memberOf: ['team-growth'] },
    },
    {
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
  ].map(e => ({ apiVersion: 'backstage.io/v1alpha1', ...e }));
  const path = join(
    mkdtempSync(join(tmpdir(), 'slipway-cd-')),
    'entities.yaml',
  );
  // JSON documents are YAML.
  writeFileSync(path, entities.map(e => JSON.stringify(e)).join('\n---\n'));
  return path;
}

/** Each plugin its own in-memory SQLite: the store's engines are tested elsewhere. */
const inMemoryDatabasePerPlugin = createServiceFactory({
  service: coreServices.database,
  deps: {},
  factory: () => {
    const client = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    return { getClient: async () => client };
  },
});

describeOnCluster(
  'continuous delivery from CI and AI agents, through the actions registry',
  () => {
    const captured = capturingServices();
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let baseUrl: string;
    let api: string;
    const tokens: Record<string, string> = {};

    async function call(
      token: string,
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
    ) {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
      };
    }

    /** `POST /api/deploy/.backstage/actions/v1/actions/{id}/invoke`, as CI does with curl. */
    const invoke = (token: string, id: string, input: unknown) =>
      call(
        token,
        'POST',
        `/deploy/.backstage/actions/v1/actions/${id}/invoke`,
        input,
      );

    async function signIn(name: string): Promise<string> {
      for (let i = 0; i < 150; i++) {
        const response = await fetch(`${api}/auth/slipway-test/refresh`, {
          headers: {
            'X-Requested-With': 'XMLHttpRequest',
            [TEST_USER_HEADER]: name,
          },
        });
        if (response.ok) {
          const session = await response.json();
          const entity = await fetch(
            `${api}/catalog/entities/by-name/component/default/${SERVICE}`,
            {
              headers: {
                Authorization: `Bearer ${session.backstageIdentity.token}`,
              },
            },
          );
          if (
            session.backstageIdentity.identity.ownershipEntityRefs.length > 1 &&
            entity.ok
          ) {
            return session.backstageIdentity.token;
          }
        }
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error(`could not sign in as ${name}`);
    }

    async function waitFor<T>(
      what: string,
      check: () => Promise<T | undefined | false>,
      timeoutMs = 120_000,
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value) {
          return value;
        }
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise(r => setTimeout(r, 500));
      }
    }

    /** Where a release stands in the first channel, by the status action, as the README's CI step polls it. */
    async function firstStageOf(version: string) {
      const status = await invoke(CI_TOKEN, 'deploy:status', {
        service: SERVICE,
        version,
      });
      expect(status.status).toBe(200);
      return status.body.output.release.stages[0] as {
        channel: string;
        state: string;
      };
    }

    beforeAll(async () => {
      backend = await startTestBackend({
        features: [
          authServiceFactory,
          httpAuthServiceFactory,
          userInfoServiceFactory,
          permissionsServiceFactory,
          actionsRegistryServiceFactory,
          actionsServiceFactory,
          ...captured.factories,
          inMemoryDatabasePerPlugin,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                actions: { pluginSources: ['catalog', 'deploy'] },
                auth: {
                  externalAccess: [
                    {
                      type: 'static',
                      options: { token: CI_TOKEN, subject: 'ci-publisher' },
                      accessRestrictions: [
                        {
                          plugin: 'deploy',
                          permission: ['deploy.release.publish', 'deploy.read'],
                        },
                      ],
                    },
                    {
                      type: 'static',
                      options: { token: READER_TOKEN, subject: 'ci-reader' },
                      accessRestrictions: [
                        { plugin: 'deploy', permission: ['deploy.read'] },
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
                locations: [{ type: 'file', target: writeCatalog() }],
              },
              deploy: {
                clusters: [{ name: 'local', kubeconfigPath }],
                worker: { pollIntervalMs: 200 },
                channels: [
                  {
                    name: 'dev',
                    cluster: 'local',
                    progressDeadlineSeconds: 60,
                    autoDeploy: true,
                  },
                  {
                    name: 'prod',
                    cluster: 'local',
                    progressDeadlineSeconds: 60,
                    approval: { required: true },
                    autoPromote: true,
                  },
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
          mcpActionsPlugin,
        ],
      });
      baseUrl = `http://127.0.0.1:${
        (backend.server.address() as AddressInfo).port
      }`;
      api = `${baseUrl}/api`;
      tokens.alice = await signIn('alice');
      tokens.bob = await signIn('bob');
      tokens.carol = await signIn('carol');
      const registered = await call(tokens.alice, 'POST', '/deploy/services', {
        name: SERVICE,
        entityRef: `component:default/${SERVICE}`,
        spec: {
          image: `registry.local/shop/${SERVICE}`,
          port: 8080,
          channels: {
            dev: { replicas: 1, env: {} },
            prod: { replicas: 1, env: {} },
          },
        },
      });
      if (registered.status !== 201) {
        throw new Error(
          `could not register ${SERVICE}: ${JSON.stringify(registered.body)}`,
        );
      }
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it('lists Slipway’s six actions to a CI token, with honest attributes', async () => {
      const listed = await call(
        CI_TOKEN,
        'GET',
        '/deploy/.backstage/actions/v1/actions',
      );
      expect(listed.status).toBe(200);
      const actions = listed.body.actions as Array<{
        id: string;
        description: string;
        attributes: {
          readOnly: boolean;
          destructive: boolean;
          idempotent: boolean;
        };
      }>;
      expect(actions.map(a => a.id).sort()).toEqual(
        [...SLIPWAY_ACTIONS].sort(),
      );
      const attributes = Object.fromEntries(
        actions.map(a => [a.id, a.attributes]),
      );
      expect(attributes['deploy:status']).toEqual({
        readOnly: true,
        destructive: false,
        idempotent: true,
      });
      expect(attributes['deploy:history'].readOnly).toBe(true);
      expect(attributes['deploy:deploy']).toEqual({
        readOnly: false,
        destructive: true,
        idempotent: false,
      });
      expect(attributes['deploy:publish-release']).toEqual({
        readOnly: false,
        destructive: false,
        idempotent: true,
      });
      expect(actions.every(a => a.description.length > 80)).toBe(true);
    });

    it('publishes a release with the CI token; dev deploys it, prod promotes it and ships once a person approves', async () => {
      const published = await invoke(CI_TOKEN, 'deploy:publish-release', {
        service: SERVICE,
        version: '1.0.0',
        commit: '9f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6',
        buildUrl: 'https://ci.example.com/builds/1',
        title: 'First release',
      });
      expect(published.status).toBe(200);
      expect(published.body.output).toMatchObject({
        created: true,
        release: {
          service: SERVICE,
          version: '1.0.0',
          publishedBy: 'service:ci-publisher',
        },
      });
      // Stored: the REST API lists it.
      const releases = await call(
        CI_TOKEN,
        'GET',
        `/deploy/services/${SERVICE}/releases`,
      );
      expect(releases.status).toBe(200);
      expect(
        releases.body.items.map((r: { version: string }) => r.version),
      ).toEqual(['1.0.0']);
      // Audited like the route, with the caller.
      const audit = captured.auditRecords.find(
        r => r.eventId === 'release-publish' && r.status === 'succeeded',
      );
      expect(audit?.meta).toMatchObject({
        service: SERVICE,
        version: '1.0.0',
        permission: 'deploy.release.publish',
        caller: 'service:ci-publisher',
        via: 'actions',
      });
      // Publishing the same again changes nothing.
      const again = await invoke(CI_TOKEN, 'deploy:publish-release', {
        service: SERVICE,
        version: '1.0.0',
        commit: '9f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6',
        buildUrl: 'https://ci.example.com/builds/1',
        title: 'First release',
      });
      expect(again.body.output.created).toBe(false);

      // dev takes new releases on its own; CI waits as the README shows.
      const stage = await waitFor('1.0.0 to end in dev', async () => {
        const first = await firstStageOf('1.0.0');
        return ['deployed', 'failed'].includes(first.state) && first;
      });
      expect(stage).toMatchObject({ channel: 'dev', state: 'deployed' });

      // prod promotes it on its own and waits for a person.
      const waiting = await waitFor('1.0.0 to wait in prod', async () => {
        const status = await invoke(CI_TOKEN, 'deploy:status', {
          service: SERVICE,
          version: '1.0.0',
        });
        const prod = status.body.output.release.stages[1];
        return prod.state === 'waiting' && prod;
      });
      expect(waiting).toMatchObject({
        channel: 'prod',
        waitingFor: 'approval',
        approvers: ['group:default/team-payments'],
        automation: { rule: 'auto-promote' },
      });
      // CI's token may publish, not approve; a member of the owning team,
      // with their own token, approves.
      const byCi = await invoke(CI_TOKEN, 'deploy:approve', {
        deploymentId: waiting.deploymentId,
      });
      expect(byCi.status).toBe(403);
      const approved = await invoke(tokens.bob, 'deploy:approve', {
        deploymentId: waiting.deploymentId,
      });
      expect(approved.status).toBe(200);
      await waitFor('1.0.0 to be deployed in prod', async () => {
        const status = await invoke(CI_TOKEN, 'deploy:status', {
          service: SERVICE,
          version: '1.0.0',
        });
        return status.body.output.release.stages[1].state === 'deployed';
      });
      // History says who and what did each step.
      const history = await invoke(tokens.alice, 'deploy:history', {
        service: SERVICE,
      });
      expect(history.status).toBe(200);
      expect(
        history.body.output.items.map(
          (d: {
            channel: string;
            status: string;
            requestedBy: string;
            approvedBy?: string;
          }) => [d.channel, d.status, d.requestedBy, d.approvedBy],
        ),
      ).toEqual([
        ['prod', 'succeeded', 'slipway:rule/auto-promote', 'user:default/bob'],
        ['dev', 'succeeded', 'slipway:rule/auto-deploy', undefined],
      ]);
    });

    it('refuses a token not granted deploy.release.publish, and stores nothing', async () => {
      const refused = await invoke(READER_TOKEN, 'deploy:publish-release', {
        service: SERVICE,
        version: '9.9.9',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.name).toBe('NotAllowedError');
      expect(refused.body.error.message).toContain('deploy.release.publish');
      const releases = await call(
        CI_TOKEN,
        'GET',
        `/deploy/services/${SERVICE}/releases`,
      );
      expect(
        releases.body.items.map((r: { version: string }) => r.version),
      ).toEqual(['1.0.0']);
      expect(
        captured.auditRecords.some(
          r =>
            r.eventId === 'release-publish' &&
            r.status === 'failed' &&
            (r.meta as { caller?: string }).caller === 'service:ci-reader',
        ),
      ).toBe(true);
      // The reader may read.
      const status = await invoke(READER_TOKEN, 'deploy:status', {
        service: SERVICE,
      });
      expect(status.status).toBe(200);
      expect(
        status.body.output.channels.map((c: { channel: string }) => c.channel),
      ).toEqual(['dev', 'prod']);
    });

    it('says which input field is wrong', async () => {
      const bad = await invoke(CI_TOKEN, 'deploy:publish-release', {
        service: 'Not A Name',
        version: '-bad',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('InputError');
      const detail = JSON.stringify(bad.body.error);
      expect(detail).toContain('must be a DNS label');
      expect(detail).toContain('must be an image tag');
    });

    it('works through Backstage’s actions CLI with the token seeded for it', async () => {
      const run = promisify(execFile);
      const login = await run(
        'bash',
        [join(REPO_ROOT, 'scripts/backstage-actions-login.sh')],
        {
          env: {
            ...process.env,
            BACKSTAGE_URL: baseUrl,
            BACKSTAGE_TOKEN: CI_TOKEN,
          },
        },
      );
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [, name, value] of login.stdout.matchAll(/(XDG_\w+)=(\S+)/g)) {
        env[name] = value;
      }
      const cli = (...args: string[]) =>
        run(join(REPO_ROOT, 'node_modules/.bin/backstage-cli'), args, {
          env,
          cwd: REPO_ROOT,
        });

      const list = await cli('actions', 'list');
      for (const id of SLIPWAY_ACTIONS) {
        expect(list.stdout).toContain(id);
      }
      const published = await cli(
        'actions',
        'execute',
        'deploy:publish-release',
        '--service',
        SERVICE,
        // "--version 1.0.1" would print the CLI's own version: the CLI takes
        // a bare --version for itself, so the action's field goes with "=".
        '--version=1.0.1',
        '--title',
        'From the CLI',
      );
      expect(JSON.parse(published.stdout)).toMatchObject({
        created: true,
        release: { version: '1.0.1', publishedBy: 'service:ci-publisher' },
      });
      const status = await cli(
        'actions',
        'execute',
        'deploy:status',
        '--service',
        SERVICE,
        '--version=1.0.1',
      );
      const stages = JSON.parse(status.stdout).release.stages;
      expect(stages.map((s: { channel: string }) => s.channel)).toEqual([
        'dev',
        'prod',
      ]);
      await waitFor('1.0.1 to end in dev', async () => {
        const first = await firstStageOf('1.0.1');
        return ['deployed', 'failed'].includes(first.state) && first;
      });
    });

    it('publishes and waits for the first channel with the README’s CI step', async () => {
      const run = promisify(execFile);
      const step = await run(
        'bash',
        [join(REPO_ROOT, 'scripts/publish-release-and-wait.sh')],
        {
          env: {
            ...process.env,
            BACKSTAGE_URL: baseUrl,
            SLIPWAY_CI_TOKEN: CI_TOKEN,
            SERVICE,
            VERSION: '1.1.0',
            COMMIT: 'abc1234',
            BUILD_URL: 'https://ci.example.com/builds/3',
            WAIT_SECONDS: '120',
            POLL_SECONDS: '1',
          },
        },
      );
      expect(step.stdout).toContain(`published ${SERVICE} 1.1.0`);
      expect(step.stdout).toMatch(/^dev: deployed/m);
      // A refused publish fails the step, saying why.
      const refused = await run(
        'bash',
        [join(REPO_ROOT, 'scripts/publish-release-and-wait.sh')],
        {
          env: {
            ...process.env,
            BACKSTAGE_URL: baseUrl,
            SLIPWAY_CI_TOKEN: READER_TOKEN,
            SERVICE,
            VERSION: '1.1.1',
          },
        },
      ).catch(error => error);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(
        'may not deploy.release.publish',
      );
    });

    describe('through the MCP actions backend, as a user', () => {
      async function mcpClient(token: string) {
        const client = new Client({ name: 'slipway-test', version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${api}/mcp-actions/v1`), {
            requestInit: { headers: { Authorization: `Bearer ${token}` } },
          }),
        );
        return client;
      }
      const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
        (result.content as Array<{ type: string; text: string }>)[0].text;

      it('lists Slipway’s actions as tools and answers deploy.status', async () => {
        const client = await mcpClient(tokens.carol);
        try {
          const { tools } = await client.listTools();
          const names = tools.map(t => t.name);
          for (const id of SLIPWAY_ACTIONS) {
            expect(names).toContain(id.replace(':', '.'));
          }
          const status = tools.find(t => t.name === 'deploy.status')!;
          expect(status.annotations).toMatchObject({
            readOnlyHint: true,
            destructiveHint: false,
          });
          const result = await client.callTool({
            name: 'deploy.status',
            arguments: { service: SERVICE },
          });
          expect(result.isError).toBeFalsy();
          const output = JSON.parse(textOf(result));
          expect(output.service.name).toBe(SERVICE);
          expect(
            output.channels.find(
              (c: { channel: string }) => c.channel === 'dev',
            ).runningVersion,
          ).toBe('1.1.0');
        } finally {
          await client.close();
        }
      });

      it('lets the owning team deploy and refuses another team, by the policy', async () => {
        const carol = await mcpClient(tokens.carol);
        const alice = await mcpClient(tokens.alice);
        try {
          const refused = await carol.callTool({
            name: 'deploy.deploy',
            arguments: { service: SERVICE, channel: 'dev', version: '1.0.2' },
          });
          expect(refused.isError).toBe(true);
          expect(textOf(refused)).toMatch(
            /^NotAllowedError: user:default\/carol may not deploy\.create/,
          );
          expect(
            captured.auditRecords.some(
              r =>
                r.eventId === 'deployment-create' &&
                r.status === 'failed' &&
                (r.meta as { caller?: string }).caller === 'user:default/carol',
            ),
          ).toBe(true);

          const invalid = await alice.callTool({
            name: 'deploy.deploy',
            arguments: { service: SERVICE, channel: 'dev', version: '-bad' },
          });
          // An agent is told which field is wrong and why.
          expect(invalid.isError).toBe(true);
          expect(textOf(invalid)).toMatch(/^InputError: Invalid input/);
          expect(textOf(invalid)).toContain('must be an image tag');

          const deployed = await alice.callTool({
            name: 'deploy.deploy',
            arguments: { service: SERVICE, channel: 'dev', version: '1.0.2' },
          });
          expect(deployed.isError).toBeFalsy();
          const { deployment } = JSON.parse(textOf(deployed));
          expect(deployment).toMatchObject({
            service: SERVICE,
            channel: 'dev',
            version: '1.0.2',
            requestedBy: 'user:default/alice',
          });
          const history = await alice.callTool({
            name: 'deploy.history',
            arguments: { service: SERVICE, channel: 'dev', limit: 1 },
          });
          expect(JSON.parse(textOf(history)).items[0].id).toBe(deployment.id);
        } finally {
          await carol.close();
          await alice.close();
        }
      });
    });
  },
);
