// The deploy engine end to end: the plugin in a test backend, on SQLite and
// PostgreSQL, deploying through the least-privilege account of the local
// cluster. The simulator picks pod behaviour from the version (see
// tools/local-cluster/README.md): "1.0.0" is healthy, "-crashloop" crashes,
// "-pullfail" can't be pulled, "-fail" exits 1, "-slowNs" is ready after N s.
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AppsV1Api, BatchV1Api } from '@kubernetes/client-node';
import { Deployment, DeploymentDetails } from '@slipway/plugin-deploy-common';
import request from 'supertest';
import { catalogOfComponents } from './__testUtils__/catalogOfComponents';
import { deployPlugin } from './plugin';
import {
  describeOnCluster,
  loadSlipwayKubeConfig,
  uniqueServiceName,
  waitFor,
} from './kubernetes/__testUtils__/localCluster';

jest.setTimeout(180_000);

const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');

function config() {
  return {
    deploy: {
      clusters: [
        { name: 'local', kubeconfigPath: process.env.SLIPWAY_KUBECONFIG },
      ],
      worker: { pollIntervalMs: 200 },
      api: { validateResponses: true },
      channels: [
        { name: 'dev', cluster: 'local', progressDeadlineSeconds: 60 },
        {
          name: 'staging',
          cluster: 'local',
          soakSeconds: 2,
          soakUnavailableSeconds: 60,
          progressDeadlineSeconds: 60,
        },
        {
          name: 'prod',
          cluster: 'local',
          approval: { required: true },
          progressDeadlineSeconds: 60,
        },
        // Last in the promotion order; here to leave a failed rollout in place.
        {
          name: 'sandbox',
          cluster: 'local',
          namespace: 'slipway-sandbox',
          autoRollback: false,
          progressDeadlineSeconds: 60,
        },
      ],
    },
  };
}

describeOnCluster('the deploy engine against the local cluster', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const apps = () => loadSlipwayKubeConfig().makeApiClient(AppsV1Api);
  const batch = () => loadSlipwayKubeConfig().makeApiClient(BatchV1Api);

  async function startBackend(
    databaseId: TestDatabaseId,
    knex?: Awaited<ReturnType<typeof databases.init>>,
    permission:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const db = knex ?? (await databases.init(databaseId));
    const auditor = mockServices.auditor.mock();
    const events: Array<{ eventId: string; outcome: string }> = [];
    auditor.createEvent.mockImplementation(async ({ eventId }) => ({
      success: async () => {
        events.push({ eventId, outcome: 'success' });
      },
      fail: async () => {
        events.push({ eventId, outcome: 'fail' });
      },
    }));
    const backend = await startTestBackend({
      features: [
        catalogOfComponents().factory,
        deployPlugin,
        mockServices.rootConfig.factory({ data: config() }),
        mockServices.database.factory({ knex: db }),
        mockServices.permissions.factory({ result: permission }),
        auditor.factory,
      ],
    });
    return { backend, server: backend.server, knex: db, auditEvents: events };
  }

  async function register(server: any, name: string, migration?: boolean) {
    const response = await request(server)
      .post('/api/deploy/services')
      .set('Authorization', alice)
      .send({
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.local/shop/${name}`,
          port: 8080,
          channels: {
            dev: { replicas: 2 },
            staging: { replicas: 1 },
            prod: { replicas: 2 },
            sandbox: { replicas: 1 },
          },
          ...(migration && {
            migration: {
              command: ['./migrate', 'up'],
              timeoutSeconds: 60,
              retries: 0,
            },
          }),
        },
      });
    expect(response.status).toBe(201);
  }

  async function deploy(server: any, body: object, as = alice) {
    return request(server)
      .post('/api/deploy/deployments')
      .set('Authorization', as)
      .send(body);
  }

  async function details(server: any, id: string): Promise<DeploymentDetails> {
    const response = await request(server)
      .get(`/api/deploy/deployments/${id}`)
      .set('Authorization', alice);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function finished(
    server: any,
    id: string,
    timeoutMs = 90_000,
  ): Promise<DeploymentDetails> {
    return waitFor(
      `deployment ${id} to end`,
      async () => {
        const d = await details(server, id);
        return (
          [
            'succeeded',
            'failed',
            'rolled_back',
            'cancelled',
            'rejected',
          ].includes(d.deployment.status) && d
        );
      },
      timeoutMs,
    );
  }

  async function deployAndFinish(server: any, body: object) {
    const response = await deploy(server, body);
    expect(response.status).toBe(201);
    return finished(server, (response.body as Deployment).id);
  }

  async function runningImage(name: string, namespace = 'slipway-dev') {
    const d = await apps().readNamespacedDeployment({ name, namespace });
    return d.spec?.template.spec?.containers[0].image;
  }

  it.each(databases.eachSupportedId())(
    "shows the engine's judgement in the live status while it judges a rollout, on %p",
    async databaseId => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('judged');
      await register(server, name);
      await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.0.0',
      });
      const slow = await deploy(server, {
        service: name,
        channel: 'dev',
        version: '1.1.0-slow15s',
      });
      expect(slow.status).toBe(201);
      const id = (slow.body as Deployment).id;
      const devStatus = async () => {
        const response = await request(server)
          .get(`/api/deploy/services/${name}/status`)
          .set('Authorization', alice);
        expect(response.status).toBe(200);
        return response.body.channels.find(
          (c: { channel: string }) => c.channel === 'dev',
        );
      };
      // While the engine judges the rollout, the tab says what it says.
      const judged = await waitFor(
        'the status to carry the engine judgement',
        async () => {
          const status = await devStatus();
          return status.judgedBy === id && status;
        },
        60_000,
      );
      const { deployment } = await details(server, id);
      expect(deployment.result?.verdict?.state).toBe('progressing');
      expect(judged.health).toBe('Progressing');
      expect(judged.message).toMatch(/^Waiting for/);

      const done = await finished(server, id);
      expect(done.deployment.status).toBe('succeeded');
      const after = await devStatus();
      expect(after.judgedBy).toBeUndefined();
      expect(after.health).toBe('Healthy');
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates then rolls out, records history, and keeps the app untouched when a migration fails, on %p',
    async databaseId => {
      const { backend, server, auditEvents } = await startBackend(databaseId);
      const name = uniqueServiceName('happy');
      await register(server, name, true);

      const first = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.0.0',
      });
      expect(first.deployment.status).toBe('succeeded');
      expect(first.deployment.result?.migration?.state).toBe('succeeded');
      expect(first.events.map(e => e.type)).toEqual([
        'requested',
        'started',
        'migration-started',
        'migration-succeeded',
        'rollout-started',
        'succeeded',
      ]);
      expect(await runningImage(name)).toBe(
        `registry.local/shop/${name}:1.0.0`,
      );

      const byService = await request(server)
        .get(`/api/deploy/deployments?service=${name}`)
        .set('Authorization', alice);
      expect(byService.body.items.map((d: Deployment) => d.id)).toEqual([
        first.deployment.id,
      ]);
      const byTeam = await request(server)
        .get(
          `/api/deploy/deployments?team=${encodeURIComponent(
            'group:default/team-test',
          )}&limit=200`,
        )
        .set('Authorization', alice);
      expect(byTeam.body.error).toBeUndefined();
      expect(byTeam.body.items.map((d: Deployment) => d.id)).toContain(
        first.deployment.id,
      );

      const failed = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '2.0.0-fail',
      });
      expect(failed.deployment.status).toBe('failed');
      expect(failed.deployment.result?.migration?.state).toBe('failed');
      expect(failed.events.map(e => e.type)).not.toContain('rollout-started');
      expect(await runningImage(name)).toBe(
        `registry.local/shop/${name}:1.0.0`,
      );
      const migrationEvidence = failed.evidence.find(
        e => e.kind === 'migration',
      );
      expect(
        migrationEvidence?.pods[0]?.containers[0]?.exitCode ??
          migrationEvidence?.pods[0]?.containers[0]?.lastTerminated?.exitCode,
      ).toBe(1);
      expect(JSON.stringify(failed.events)).toContain('logs');

      expect(auditEvents).toContainEqual({
        eventId: 'deployment-create',
        outcome: 'success',
      });
      expect(auditEvents).toContainEqual({
        eventId: 'service-register',
        outcome: 'success',
      });
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'fails a crash-looping version early, keeps the evidence and rolls back, on %p',
    async databaseId => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('crash');
      await register(server, name);
      expect(
        (
          await deployAndFinish(server, {
            service: name,
            channel: 'dev',
            version: '1.0.0',
          })
        ).deployment.status,
      ).toBe('succeeded');

      const crashed = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.1.0-crashloop',
      });
      expect(crashed.deployment.status).toBe('rolled_back');
      expect(crashed.deployment.previousVersion).toBe('1.0.0');
      expect(crashed.deployment.result?.rollout?.reason).toBe(
        'CrashLoopBackOff',
      );
      const seconds =
        (Date.parse(crashed.deployment.finishedAt!) -
          Date.parse(crashed.deployment.startedAt!)) /
        1000;
      expect(seconds).toBeLessThan(60); // the channel's progress deadline
      const evidence = crashed.evidence.find(e => e.kind === 'rollout')!;
      const container = evidence.pods[0].containers[0];
      expect(container.lastTerminated?.exitCode ?? container.exitCode).toBe(1);
      expect(container.restartCount).toBeGreaterThan(0);
      expect(container.previousLogs).toBeTruthy();
      expect(await runningImage(name)).toBe(
        `registry.local/shop/${name}:1.0.0`,
      );
      const status = await request(server)
        .get(`/api/deploy/services/${name}/status`)
        .set('Authorization', alice);
      expect(status.status).toBe(200);
      await waitFor('dev to be healthy again', async () => {
        const s = await request(server)
          .get(`/api/deploy/services/${name}/status`)
          .set('Authorization', alice);
        return (
          s.body.channels.find((c: any) => c.channel === 'dev').health ===
          'Healthy'
        );
      });

      const pulled = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.2.0-pullfail',
      });
      expect(pulled.deployment.status).toBe('rolled_back');
      expect(pulled.deployment.result?.rollout?.reason).toBe(
        'ImagePullBackOff',
      );
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    "serves the crashed container's logs of a failed rollout left in place, on %p",
    async databaseId => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('logs');
      await register(server, name);
      const failed = await deployAndFinish(server, {
        service: name,
        channel: 'sandbox',
        version: '1.0.0-crashloop',
        overrideReason: 'testing logs without a rollback',
      });
      expect(failed.deployment.status).toBe('failed');
      const status = await request(server)
        .get(`/api/deploy/services/${name}/status`)
        .set('Authorization', alice);
      const sandbox = status.body.channels.find(
        (c: { channel: string }) => c.channel === 'sandbox',
      );
      expect(sandbox.health).toBe('Degraded');
      const pod = sandbox.pods[0].name;
      const logs = await request(server)
        .get(
          `/api/deploy/services/${name}/channels/sandbox/pods/${pod}/logs?container=app&previous=true`,
        )
        .set('Authorization', alice);
      expect(logs.status).toBe(200);
      expect(logs.body).toMatchObject({
        pod,
        container: 'app',
        previous: true,
      });
      expect(logs.body.text).not.toBe('');
      const stranger = await request(server)
        .get(
          `/api/deploy/services/${name}/channels/sandbox/pods/kube-apiserver-x/logs?container=app`,
        )
        .set('Authorization', alice);
      expect(stranger.status).toBe(404);
      await apps().deleteNamespacedDeployment({
        name,
        namespace: 'slipway-sandbox',
      });
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'enforces one deployment per channel, the promotion order and approvals, on %p',
    async databaseId => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('rules');
      await register(server, name);

      const slow = await deploy(server, {
        service: name,
        channel: 'dev',
        version: '1.0.0-slow5s',
      });
      expect(slow.status).toBe(201);
      const second = await deploy(server, {
        service: name,
        channel: 'dev',
        version: '1.0.1',
      });
      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain(slow.body.id);
      await finished(server, slow.body.id);

      const early = await deploy(server, {
        service: name,
        channel: 'prod',
        version: '1.0.0-slow5s',
      });
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain(
        'has not succeeded in staging',
      );

      const staged = await deployAndFinish(server, {
        service: name,
        channel: 'staging',
      });
      expect(staged.deployment.version).toBe('1.0.0-slow5s');
      expect(staged.deployment.status).toBe('succeeded');
      const soak = staged.events.find(e => e.type === 'soak-started')!;
      const soakEnd = staged.events.find(e => e.type === 'succeeded')!;
      expect(
        Date.parse(soakEnd.createdAt) - Date.parse(soak.createdAt),
      ).toBeGreaterThanOrEqual(2000);

      const prod = await deploy(server, { service: name, channel: 'prod' });
      expect(prod.status).toBe(201);
      expect(prod.body.status).toBe('awaiting_approval');
      const selfApproval = await request(server)
        .post(`/api/deploy/deployments/${prod.body.id}/approve`)
        .set('Authorization', alice);
      expect(selfApproval.status).toBe(403);
      expect((await details(server, prod.body.id)).deployment.status).toBe(
        'awaiting_approval',
      );
      // The service changes while prod waits: the approval approves what
      // was requested, and that is what runs.
      const changed = await request(server)
        .post('/api/deploy/services')
        .set('Authorization', alice)
        .send({
          name,
          entityRef: `component:default/${name}`,
          spec: {
            image: `registry.local/shop/${name}`,
            port: 8080,
            channels: { prod: { replicas: 3, env: { CHANGED: 'after' } } },
            migration: { command: ['./never'], timeoutSeconds: 60, retries: 0 },
          },
        });
      expect(changed.status).toBe(201);
      const approval = await request(server)
        .post(`/api/deploy/deployments/${prod.body.id}/approve`)
        .set('Authorization', bob);
      expect(approval.status).toBe(200);
      const done = await finished(server, prod.body.id);
      expect(done.deployment).toMatchObject({
        status: 'succeeded',
        approvedBy: 'user:default/bob',
      });
      expect(done.deployment.result?.migration).toBeUndefined();
      const running = await apps().readNamespacedDeployment({
        name,
        namespace: 'slipway-prod',
      });
      expect(running.spec?.replicas).toBe(2);
      expect(running.spec?.template.spec?.containers[0].env ?? []).toEqual([]);

      const team = encodeURIComponent('group:default/team-test');
      const from = encodeURIComponent(
        new Date(Date.now() - 3600_000).toISOString(),
      );
      const to = encodeURIComponent(
        new Date(Date.now() + 60_000).toISOString(),
      );
      const metrics = await request(server)
        .get(`/api/deploy/metrics?team=${team}&from=${from}&to=${to}`)
        .set('Authorization', alice);
      expect(metrics.status).toBe(200);
      const history = await request(server)
        .get(`/api/deploy/deployments?team=${team}&from=${from}&limit=200`)
        .set('Authorization', alice);
      const items: Deployment[] = history.body.items;
      const succeeded = items.filter(d => d.status === 'succeeded').length;
      expect(metrics.body.deployments).toBe(items.length);
      expect(metrics.body.successRate).toBeCloseTo(succeeded / items.length);
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'resumes after a restart mid-migration and mid-rollout without a second Job, on %p',
    async databaseId => {
      const first = await startBackend(databaseId);
      const name = uniqueServiceName('resume');
      await register(first.server, name, true);
      const created = await deploy(first.server, {
        service: name,
        channel: 'dev',
        version: '1.0.0-slow6s',
      });
      const id = created.body.id;
      await waitFor('the migration Job to start', async () => {
        const d = await details(first.server, id);
        return d.events.some(e => e.type === 'migration-started');
      });
      await first.backend.stop();

      const second = await startBackend(databaseId, first.knex);
      await waitFor(
        'the rollout to start',
        async () => {
          const d = await details(second.server, id);
          return d.events.some(e => e.type === 'rollout-started');
        },
        60_000,
      );
      await second.backend.stop();

      const third = await startBackend(databaseId, first.knex);
      const done = await finished(third.server, id);
      expect(done.deployment.status).toBe('succeeded');
      const types = done.events.map(e => e.type);
      expect(types.filter(t => t === 'migration-started')).toHaveLength(1);
      expect(types.filter(t => t === 'succeeded')).toHaveLength(1);
      const jobs = await batch().listNamespacedJob({
        namespace: 'slipway-dev',
        labelSelector: `app.kubernetes.io/name=${name}`,
      });
      expect(jobs.items).toHaveLength(1);
      await third.backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a user without permission, changing nothing, on %p',
    async databaseId => {
      const allowed = await startBackend(databaseId);
      const name = uniqueServiceName('denied');
      await register(allowed.server, name);
      await allowed.backend.stop();

      const denied = await startBackend(
        databaseId,
        allowed.knex,
        AuthorizeResult.DENY,
      );
      const response = await deploy(denied.server, {
        service: name,
        channel: 'dev',
        version: '1.0.0',
      });
      expect(response.status).toBe(403);
      const [{ n }] = await allowed
        .knex('deployments')
        .where({ service_name: name })
        .count({ n: '*' });
      expect(Number(n)).toBe(0);
      await denied.backend.stop();
    },
  );
});
