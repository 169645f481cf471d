// Rendering and provisioning a new service in every channel, through the
// plugin's REST API in a test backend and the local cluster's least-privilege
// account (tools/local-cluster): what the scaffolder's deploy:service:create
// relies on.
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import request from 'supertest';
import { catalogOfComponents } from './__testUtils__/catalogOfComponents';
import { deployPlugin } from './plugin';
import {
  describeOnCluster,
  loadSlipwayKubeConfig,
  uniqueServiceName,
} from './kubernetes/__testUtils__/localCluster';

jest.setTimeout(120_000);

const alice = mockCredentials.user.header('user:default/alice');
const CHANNELS = ['dev', 'staging', 'prod'];

function config(extraChannels: object[] = []) {
  return {
    deploy: {
      clusters: [
        { name: 'local', kubeconfigPath: process.env.SLIPWAY_KUBECONFIG },
      ],
      api: { validateResponses: true },
      channels: [
        ...CHANNELS.map(name => ({ name, cluster: 'local' })),
        ...extraChannels,
      ],
    },
  };
}

function registration(name: string) {
  return {
    name,
    entityRef: `component:default/${name}`,
    spec: {
      image: `registry.local/shop/${name}`,
      port: 8080,
      channels: { prod: { replicas: 3, env: { LOG_LEVEL: 'warn' } } },
    },
  };
}

describeOnCluster('provisioning a service in every channel', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const core = () => loadSlipwayKubeConfig().makeApiClient(CoreV1Api);
  const provisionedNames: string[] = [];

  afterAll(async () => {
    // The cluster is shared: leave nothing behind.
    const api = KubernetesObjectApi.makeApiClient(loadSlipwayKubeConfig());
    await Promise.all(
      provisionedNames.flatMap(name =>
        CHANNELS.flatMap(channel =>
          ['Service', 'ServiceAccount'].map(kind =>
            api
              .delete({
                apiVersion: 'v1',
                kind,
                metadata: { name, namespace: `slipway-${channel}` },
              })
              .catch(() => undefined),
          ),
        ),
      ),
    );
  });

  async function startBackend(
    options: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      extraChannels?: object[];
    } = {},
  ) {
    const auditor = mockServices.auditor.mock();
    const auditEvents: Array<{ eventId: string; outcome: string }> = [];
    auditor.createEvent.mockImplementation(async ({ eventId }) => ({
      success: async () => {
        auditEvents.push({ eventId, outcome: 'success' });
      },
      fail: async () => {
        auditEvents.push({ eventId, outcome: 'fail' });
      },
    }));
    const backend = await startTestBackend({
      features: [
        catalogOfComponents().factory,
        deployPlugin,
        mockServices.rootConfig.factory({
          data: config(options.extraChannels),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.permissions.factory({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
        auditor.factory,
      ],
    });
    return { backend, server: backend.server, auditEvents };
  }

  async function resourceVersions(name: string) {
    return Promise.all(
      CHANNELS.map(async channel => {
        const namespace = `slipway-${channel}`;
        const [serviceAccount, service] = await Promise.all([
          core().readNamespacedServiceAccount({ name, namespace }),
          core().readNamespacedService({ name, namespace }),
        ]);
        return [
          serviceAccount.metadata?.resourceVersion,
          service.metadata?.resourceVersion,
        ];
      }),
    );
  }

  it('renders what it would create without creating it', async () => {
    const { backend, server } = await startBackend();
    const name = uniqueServiceName('render');

    const rendered = await request(server)
      .post('/api/deploy/services/render')
      .set('Authorization', alice)
      .send({ ...registration(name), version: '1.0.0' });

    expect(rendered.status).toBe(200);
    expect(
      rendered.body.items.map((item: any) => ({
        channel: item.channel,
        namespace: item.namespace,
        kinds: item.objects.map((o: any) => o.kind),
      })),
    ).toEqual(
      CHANNELS.map(channel => ({
        channel,
        namespace: `slipway-${channel}`,
        kinds: ['ServiceAccount', 'Service', 'Deployment'],
      })),
    );
    const prodDeployment = rendered.body.items[2].objects[2];
    expect(prodDeployment.spec.replicas).toBe(3);
    expect(prodDeployment.spec.template.spec.containers[0].image).toBe(
      `registry.local/shop/${name}:1.0.0`,
    );

    const withoutVersion = await request(server)
      .post('/api/deploy/services/render')
      .set('Authorization', alice)
      .send(registration(name));
    expect(
      withoutVersion.body.items[0].objects.map((o: any) => o.kind),
    ).toEqual(['ServiceAccount', 'Service']);

    const service = await request(server)
      .get(`/api/deploy/services/${name}`)
      .set('Authorization', alice);
    expect(service.status).toBe(404);
    await expect(
      core().readNamespacedServiceAccount({ name, namespace: 'slipway-dev' }),
    ).rejects.toMatchObject({ code: 404 });
    await backend.stop();
  });

  it('applies the ServiceAccount and Service in each channel, and again changes nothing', async () => {
    const { backend, server, auditEvents } = await startBackend();
    const name = uniqueServiceName('provision');
    provisionedNames.push(name);
    const registered = await request(server)
      .post('/api/deploy/services')
      .set('Authorization', alice)
      .send(registration(name));
    expect(registered.status).toBe(201);

    for (const channel of CHANNELS) {
      const provisioned = await request(server)
        .post(`/api/deploy/services/${name}/channels/${channel}/provision`)
        .set('Authorization', alice);
      expect(provisioned.status).toBe(200);
      expect(provisioned.body).toEqual({
        channel,
        namespace: `slipway-${channel}`,
        objects: [
          { kind: 'ServiceAccount', name },
          { kind: 'Service', name },
        ],
      });
    }
    const before = await resourceVersions(name);
    const service = await core().readNamespacedService({
      name,
      namespace: 'slipway-prod',
    });
    expect(service.spec?.ports?.[0]?.port).toBe(8080);
    expect(service.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe(
      'slipway',
    );

    for (const channel of CHANNELS) {
      const again = await request(server)
        .post(`/api/deploy/services/${name}/channels/${channel}/provision`)
        .set('Authorization', alice);
      expect(again.status).toBe(200);
    }
    expect(await resourceVersions(name)).toEqual(before);
    expect(
      auditEvents.filter(e => e.eventId === 'service-provision'),
    ).toHaveLength(6);
    await backend.stop();
  });

  it('names the namespace when it does not exist', async () => {
    const { backend, server, auditEvents } = await startBackend({
      extraChannels: [
        {
          name: 'qa',
          cluster: 'local',
          namespace: 'slipway-missing-{channel}',
        },
      ],
    });
    const name = uniqueServiceName('nons');
    await request(server)
      .post('/api/deploy/services')
      .set('Authorization', alice)
      .send(registration(name))
      .expect(201);

    const response = await request(server)
      .post(`/api/deploy/services/${name}/channels/qa/provision`)
      .set('Authorization', alice);

    // The platform's to fix, not the caller's: a 502 with an error id.
    expect(response.status).toBe(502);
    expect(response.body.error.message).toContain(
      'namespace "slipway-missing-qa" of cluster "local" does not exist',
    );
    expect(response.body.error.message).toMatch(/error id [0-9a-f-]{36}/);
    expect(response.body.error.message).not.toContain('system:serviceaccount');
    expect(response.body.error.message).toContain(
      'Slipway does not create namespaces',
    );
    expect(auditEvents).toContainEqual({
      eventId: 'service-provision',
      outcome: 'fail',
    });
    await backend.stop();
  });
});
