// Continuous delivery end to end: the plugin in a test backend, deploying
// through the least-privilege account of the local cluster. CI publishes
// releases with its own (service) credentials; the channels' rules take them
// from there: dev takes every release, staging promotes what succeeded in
// dev after its soak, prod promotes what succeeded in staging and waits for
// a person's approval.
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { AppsV1Api } from '@kubernetes/client-node';
import {
  Deployment,
  PipelineResponse,
  PipelineStage,
} from '@slipway/plugin-deploy-common';
import request from 'supertest';
import { catalogOfComponents } from '../__testUtils__/catalogOfComponents';
import { deployPlugin } from '../plugin';
import {
  describeOnCluster,
  loadSlipwayKubeConfig,
  uniqueServiceName,
  waitFor,
} from '../kubernetes/__testUtils__/localCluster';

jest.setTimeout(240_000);

const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
/** CI's credentials: an external-access token allowed to publish and read. */
const ci = mockCredentials.service('external:ci', {
  permissionNames: ['deploy.release.publish', 'deploy.read'],
});

function config() {
  return {
    deploy: {
      clusters: [
        { name: 'local', kubeconfigPath: process.env.SLIPWAY_KUBECONFIG },
      ],
      worker: { pollIntervalMs: 200 },
      api: { validateResponses: true },
      delivery: { sweepSeconds: 2 },
      channels: [
        {
          name: 'dev',
          cluster: 'local',
          progressDeadlineSeconds: 30,
          autoDeploy: true,
        },
        {
          name: 'staging',
          cluster: 'local',
          soakSeconds: 3,
          progressDeadlineSeconds: 30,
          autoPromote: true,
        },
        {
          name: 'prod',
          cluster: 'local',
          approval: { required: true },
          progressDeadlineSeconds: 30,
          autoPromote: true,
        },
      ],
    },
  };
}

describeOnCluster('continuous delivery against the local cluster', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const apps = () => loadSlipwayKubeConfig().makeApiClient(AppsV1Api);

  async function startBackend(databaseId: TestDatabaseId) {
    const sent: NotificationSendOptions[] = [];
    const audited: Array<{ eventId: string; meta: unknown }> = [];
    const auditor = mockServices.auditor.mock();
    auditor.createEvent.mockImplementation(async ({ eventId, meta }) => {
      audited.push({ eventId, meta });
      return { success: async () => {}, fail: async () => {} };
    });
    const backend = await startTestBackend({
      features: [
        catalogOfComponents().factory,
        deployPlugin,
        mockServices.rootConfig.factory({ data: config() }),
        mockServices.database.factory({
          knex: await databases.init(databaseId),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        // A request without a user's header is CI's.
        mockServices.httpAuth.factory({ defaultCredentials: ci }),
        auditor.factory,
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (options: NotificationSendOptions) => {
              sent.push(options);
            },
          }),
        }),
      ],
    });
    return { backend, server: backend.server, sent, audited };
  }

  async function register(server: any, name: string) {
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
            dev: { replicas: 1 },
            staging: { replicas: 1 },
            prod: { replicas: 1 },
          },
        },
      });
    expect(response.status).toBe(201);
  }

  /** What CI runs after it pushed an image. */
  async function publish(server: any, name: string, version: string) {
    return request(server)
      .post(`/api/deploy/services/${name}/releases`)
      .send({
        version,
        commit: `${version.replace(/[^0-9]/g, '')}abcdef0`.slice(0, 12),
        commitUrl: `https://git.example.com/shop/${name}/commit/${version}`,
        buildUrl: `https://ci.example.com/shop/${name}/builds/${version}`,
        title: `Release ${version}`,
      });
  }

  async function pipeline(server: any, name: string) {
    const response = await request(server)
      .get(`/api/deploy/services/${name}/pipeline`)
      .set('Authorization', alice);
    expect(response.status).toBe(200);
    return response.body as PipelineResponse;
  }

  function stageOf(p: PipelineResponse, version: string, channel: string) {
    return p.releases
      .find(r => r.release.version === version)
      ?.stages.find(s => s.channel === channel);
  }

  async function waitForStage(
    server: any,
    name: string,
    version: string,
    channel: string,
    matches: (stage: PipelineStage) => boolean,
    timeoutMs = 90_000,
  ): Promise<PipelineStage> {
    return waitFor(
      `${version} in ${channel} to be as expected`,
      async () => {
        const stage = stageOf(await pipeline(server, name), version, channel);
        return stage && matches(stage) && stage;
      },
      timeoutMs,
    );
  }

  async function history(server: any, name: string): Promise<Deployment[]> {
    const response = await request(server)
      .get(`/api/deploy/deployments?service=${name}&limit=100`)
      .set('Authorization', alice);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function runningImage(name: string, namespace: string) {
    const d = await apps().readNamespacedDeployment({ name, namespace });
    return d.spec?.template.spec?.containers[0].image;
  }

  it.each(databases.eachSupportedId())(
    'a release CI publishes flows from dev through staging to an approved prod, on %p',
    async databaseId => {
      const { backend, server, sent, audited } = await startBackend(databaseId);
      const name = uniqueServiceName('flow');
      await register(server, name);

      const published = await publish(server, name, '1.0.0');
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({
        service: name,
        version: '1.0.0',
        publishedBy: 'service:external:ci',
      });
      // CI retries: the same release again changes nothing.
      expect((await publish(server, name, '1.0.0')).status).toBe(200);

      await waitForStage(server, name, '1.0.0', 'dev', s => s.current === true);
      const staging = await waitForStage(
        server,
        name,
        '1.0.0',
        'staging',
        s => s.state === 'deployed',
      );
      expect(staging.automation?.rule).toBe('auto-promote');
      const prod = await waitForStage(
        server,
        name,
        '1.0.0',
        'prod',
        s => s.state === 'waiting',
      );
      expect(prod).toMatchObject({
        waitingFor: 'approval',
        approvers: ['group:default/team-test'],
      });
      // Those who may approve were told.
      expect(
        sent.some(
          n =>
            n.recipients.type === 'entity' &&
            n.recipients.entityRef === 'group:default/team-test' &&
            /awaits approval for prod/.test(n.payload.title),
        ),
      ).toBe(true);

      // CI's token may publish, not approve.
      const byCi = await request(server).post(
        `/api/deploy/deployments/${prod.deploymentId}/approve`,
      );
      expect(byCi.status).toBe(403);
      const approved = await request(server)
        .post(`/api/deploy/deployments/${prod.deploymentId}/approve`)
        .set('Authorization', bob);
      expect(approved.status).toBe(200);
      await waitForStage(
        server,
        name,
        '1.0.0',
        'prod',
        s => s.current === true,
      );
      expect(await runningImage(name, 'slipway-prod')).toBe(
        `registry.local/shop/${name}:1.0.0`,
      );

      // History says who and what did each step.
      const steps = (await history(server, name)).reverse().map(d => ({
        channel: d.channel,
        status: d.status,
        requestedBy: d.requestedBy,
        rule: d.automation?.rule,
        approvedBy: d.approvedBy,
      }));
      expect(steps).toEqual([
        {
          channel: 'dev',
          status: 'succeeded',
          requestedBy: 'slipway:rule/auto-deploy',
          rule: 'auto-deploy',
          approvedBy: undefined,
        },
        {
          channel: 'staging',
          status: 'succeeded',
          requestedBy: 'slipway:rule/auto-promote',
          rule: 'auto-promote',
          approvedBy: undefined,
        },
        {
          channel: 'prod',
          status: 'succeeded',
          requestedBy: 'slipway:rule/auto-promote',
          rule: 'auto-promote',
          approvedBy: 'user:default/bob',
        },
      ]);
      expect(audited.map(e => e.eventId)).toEqual(
        expect.arrayContaining(['release-publish', 'deployment-approve']),
      );
      // The rules' deployments are audited with the rule that asked.
      expect(
        audited.filter(e => e.eventId === 'deployment-create').map(e => e.meta),
      ).toEqual([
        expect.objectContaining({ channel: 'dev', rule: 'auto-deploy' }),
        expect.objectContaining({ channel: 'staging', rule: 'auto-promote' }),
        expect.objectContaining({
          channel: 'prod',
          rule: 'auto-promote',
          requestedBy: 'slipway:rule/auto-promote',
        }),
      ]);

      // staging and prod now run the same release: nothing between them.
      const changes = await request(server)
        .get(`/api/deploy/services/${name}/changes?base=prod&head=staging`)
        .set('Authorization', alice);
      expect(changes.status).toBe(200);
      expect(changes.body.releases).toEqual([]);
      await backend.stop();
    },
  );

  it('a failing release stops at the channel where it failed, and the next good one flows past it', async () => {
    const { backend, server, sent } = await startBackend('SQLITE_3');
    const name = uniqueServiceName('held');
    await register(server, name);
    expect((await publish(server, name, '1.0.0')).status).toBe(201);
    await waitForStage(
      server,
      name,
      '1.0.0',
      'staging',
      s => s.current === true,
    );

    // Crashes on start: dev fails it and rolls back; staging never sees it.
    expect((await publish(server, name, '1.1.0-crashloop')).status).toBe(201);
    const failed = await waitForStage(
      server,
      name,
      '1.1.0-crashloop',
      'dev',
      s => s.state === 'failed',
    );
    expect(failed.automation?.rule).toBe('auto-deploy');
    await waitFor('dev to run 1.0.0 again', async () =>
      (await runningImage(name, 'slipway-dev'))?.endsWith(':1.0.0'),
    );
    expect(
      sent.some(n => /the pipeline holds at dev/.test(n.payload.title)),
    ).toBe(true);
    // Held: the failed release is neither retried in dev nor promoted.
    await new Promise(resolve => setTimeout(resolve, 5_000));
    const held = await pipeline(server, name);
    expect(stageOf(held, '1.1.0-crashloop', 'staging')?.state).toBe('pending');
    expect(
      (await history(server, name)).filter(
        d => d.version === '1.1.0-crashloop',
      ),
    ).toHaveLength(1);

    // What staging runs and prod does not, with links: 1.0.0 waits there.
    const changes = await request(server)
      .get(`/api/deploy/services/${name}/changes?base=prod&head=staging`)
      .set('Authorization', alice);
    expect(changes.body).toMatchObject({
      base: { channel: 'prod' },
      head: { channel: 'staging', version: '1.0.0' },
      releases: [
        {
          version: '1.0.0',
          commitUrl: `https://git.example.com/shop/${name}/commit/1.0.0`,
        },
      ],
    });

    // A newer good release flows through; in prod it takes the place of the
    // older one still waiting for an approval.
    await waitForStage(
      server,
      name,
      '1.0.0',
      'prod',
      s => s.state === 'waiting',
    );
    expect((await publish(server, name, '1.2.0')).status).toBe(201);
    await waitForStage(
      server,
      name,
      '1.2.0',
      'prod',
      s => s.state === 'waiting',
    );
    const superseded = stageOf(await pipeline(server, name), '1.0.0', 'prod');
    expect(superseded).toMatchObject({
      state: 'superseded',
      message: 'Superseded by 1.2.0',
    });
    expect(
      stageOf(await pipeline(server, name), '1.1.0-crashloop', 'dev'),
    ).toMatchObject({ state: 'failed' });
    await backend.stop();
  });

  it('refuses a token that may not publish, and stores nothing', async () => {
    const sent: NotificationSendOptions[] = [];
    const readOnly = mockCredentials.service('external:reader', {
      permissionNames: ['deploy.read'],
    });
    const backend = await startTestBackend({
      features: [
        catalogOfComponents().factory,
        deployPlugin,
        mockServices.rootConfig.factory({ data: config() }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.httpAuth.factory({ defaultCredentials: readOnly }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (options: NotificationSendOptions) => {
              sent.push(options);
            },
          }),
        }),
      ],
    });
    const name = uniqueServiceName('refused');
    await register(backend.server, name);
    const refused = await publish(backend.server, name, '1.0.0');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/deploy\.release\.publish/);
    const releases = await request(backend.server).get(
      `/api/deploy/services/${name}/releases`,
    );
    expect(releases.status).toBe(200);
    expect(releases.body.items).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, 3_000));
    expect(await history(backend.server, name)).toEqual([]);
    await backend.stop();
  });
});
