// The new-service template end to end: the real scaffolder and catalog
// backends, the deploy backend and this module in one test backend, running
// templates/new-service against the local cluster's least-privilege
// account (tools/local-cluster). `scripts/test.sh` sets SLIPWAY_KUBECONFIG.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogModuleFileLocations from '@slipway/plugin-catalog-backend-module-file-locations';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the end-to-end test runs the deploy backend beside the scaffolder, as a portal does
import deployPlugin from '@slipway/plugin-deploy-backend';
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import request from 'supertest';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AddressInfo } from 'node:net';
import { kustomizeCommand } from './__testUtils__/kustomizeBuild';
import {
  newServiceTemplateDir as templateDir,
  newServiceTemplateForDryRun,
} from './__testUtils__/newServiceTemplate';
import { createDeployServiceAction } from './actions/deployService';
import { DeployBackendClient } from './client/DeployBackendClient';
import { scaffolderModuleDeploy } from './module';

jest.setTimeout(180_000);

const kubeconfigPath = process.env.SLIPWAY_KUBECONFIG;
const describeOnCluster = kubeconfigPath
  ? describe
  : // eslint-disable-next-line jest/no-disabled-tests -- no cluster in this run, said below
    describe.skip;
if (!kubeconfigPath && process.env.SLIPWAY_REQUIRE_CLUSTER) {
  throw new Error(
    'SLIPWAY_REQUIRE_CLUSTER is set but SLIPWAY_KUBECONFIG is not: the template test must run against the local cluster',
  );
}
if (!kubeconfigPath) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the new-service template test: SLIPWAY_KUBECONFIG is not set. ' +
      'By hand: tools/local-cluster/cluster up && eval "$(tools/local-cluster/cluster env)"',
  );
}

const repoRoot = path.resolve(__dirname, '../../..');
const TEMPLATE_REF = 'template:default/slipway-new-service';
const CHANNELS = ['dev', 'staging', 'prod'];
const guest = mockCredentials.user.header('user:default/guest');

const createdNames: string[] = [];
function uniqueName() {
  const name = `t-new-${randomBytes(3).toString('hex')}`;
  createdNames.push(name);
  return name;
}

function values(name: string) {
  return {
    name,
    owner: 'group:default/team-payments',
    description: 'Created by the template test',
    image: `registry.local/shop/${name}`,
    port: 8080,
    migrationCommand: './migrate up',
  };
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describeOnCluster('the new-service template', () => {
  const published = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let core: CoreV1Api;
  let objectApi: KubernetesObjectApi;
  let batch: BatchV1Api;

  beforeAll(async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath!);
    core = kubeConfig.makeApiClient(CoreV1Api);
    objectApi = KubernetesObjectApi.makeApiClient(kubeConfig);
    batch = kubeConfig.makeApiClient(BatchV1Api);

    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleFileLocations,
        scaffolderPlugin,
        scaffolderModuleDeploy,
        deployPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'Location', 'Template'] }],
              locations: [
                {
                  type: 'file',
                  target: path.join(repoRoot, 'examples/org.yaml'),
                  rules: [{ allow: ['User', 'Group'] }],
                },
                {
                  type: 'file',
                  target: path.join(templateDir, 'template.yaml'),
                },
              ],
            },
            deploy: {
              clusters: [{ name: 'local', kubeconfigPath }],
              localPublish: { directory: published.path },
              // The template's services deploy their own manifests (deploy/).
              manifests: { kustomize: { command: kustomizeCommand() } },
              worker: { pollIntervalMs: 200 },
              channels: CHANNELS.map(name => ({ name, cluster: 'local' })),
            },
          },
        }),
      ],
    });
    await waitFor(
      'the catalog to read the template and the teams',
      async () => {
        const [template, team] = await Promise.all(
          [
            '/api/catalog/entities/by-name/template/default/slipway-new-service',
            '/api/catalog/entities/by-name/group/default/team-payments',
          ].map(url =>
            request(backend.server).get(url).set('Authorization', guest),
          ),
        );
        return template.status === 200 && team.status === 200;
      },
    );
  });

  afterAll(async () => {
    await backend?.stop();
    // The cluster is shared: leave nothing behind.
    const migrationJobs = await batch
      ?.listNamespacedJob({
        namespace: 'slipway-dev',
        labelSelector: 'app.kubernetes.io/managed-by=slipway',
      })
      .then(list =>
        list.items.filter(job =>
          createdNames.includes(
            job.metadata?.labels?.['app.kubernetes.io/name'] ?? '',
          ),
        ),
      )
      .catch(() => []);
    await Promise.all(
      (migrationJobs ?? []).map(job =>
        batch
          .deleteNamespacedJob({
            name: job.metadata!.name!,
            namespace: 'slipway-dev',
            propagationPolicy: 'Background',
          })
          .catch(() => undefined),
      ),
    );
    await Promise.all(
      createdNames.flatMap(name =>
        CHANNELS.flatMap(channel =>
          [
            { apiVersion: 'apps/v1', kind: 'Deployment' },
            { apiVersion: 'v1', kind: 'Service' },
            { apiVersion: 'v1', kind: 'ServiceAccount' },
          ].map(type =>
            objectApi
              ?.delete(
                {
                  ...type,
                  metadata: { name, namespace: `slipway-${channel}` },
                },
                undefined,
                undefined,
                0,
                undefined,
                'Background',
              )
              .catch(() => undefined),
          ),
        ),
      ),
    );
  });

  async function runTemplate(name: string) {
    const started = Date.now();
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', guest)
      .send({ templateRef: TEMPLATE_REF, values: values(name) });
    expect(created.status).toBe(201);
    const task = await waitFor(`task ${created.body.id} to end`, async () => {
      const response = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set('Authorization', guest);
      return ['completed', 'failed', 'cancelled'].includes(response.body.status)
        ? response.body
        : undefined;
    });
    const wallTimeMs = Date.now() - started;
    if (task.status !== 'completed') {
      const events = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', guest);
      throw new Error(
        `The template ended ${task.status}: ${JSON.stringify(
          events.body.map((e: any) => e.body.message),
        )}`,
      );
    }
    return { task, wallTimeMs };
  }

  async function kubernetesObjects(name: string) {
    return Promise.all(
      CHANNELS.map(async channel => {
        const namespace = `slipway-${channel}`;
        const [serviceAccount, service] = await Promise.all([
          core.readNamespacedServiceAccount({ name, namespace }),
          core.readNamespacedService({ name, namespace }),
        ]);
        return {
          namespace,
          serviceAccount: serviceAccount.metadata?.resourceVersion,
          service: service.metadata?.resourceVersion,
          port: service.spec?.ports?.[0]?.port,
        };
      }),
    );
  }

  it('creates the service in every channel, registers it and adds its entity to the catalog; a re-run changes nothing', async () => {
    const name = uniqueName();

    const first = await runTemplate(name);
    // eslint-disable-next-line no-console
    console.log(
      `new-service template with ${CHANNELS.length} channels: ${first.wallTimeMs} ms`,
    );

    const objects = await kubernetesObjects(name);
    expect(objects.map(o => [o.namespace, o.port])).toEqual(
      CHANNELS.map(channel => [`slipway-${channel}`, 8080]),
    );
    const service = await request(backend.server)
      .get(`/api/deploy/services/${name}`)
      .set('Authorization', guest);
    expect(service.status).toBe(200);
    expect(service.body).toMatchObject({
      entityRef: `component:default/${name}`,
      ownerRef: 'group:default/team-payments',
      spec: {
        image: `registry.local/shop/${name}`,
        port: 8080,
        migration: { command: ['sh', '-c', './migrate up'] },
      },
    });
    const entity = await waitFor('the entity in the catalog', async () => {
      const response = await request(backend.server)
        .get(`/api/catalog/entities/by-name/component/default/${name}`)
        .set('Authorization', guest);
      return response.status === 200 && response.body;
    });
    expect(entity.metadata.annotations).toMatchObject({
      'slipway.dev/service': name,
      'slipway.dev/manifests': './deploy',
      'backstage.io/kubernetes-id': name,
    });
    for (const file of [
      'deploy/base/kustomization.yaml',
      'deploy/base/migrate-job.yaml',
      ...CHANNELS.map(
        channel => `deploy/channels/${channel}/kustomization.yaml`,
      ),
    ]) {
      expect(fs.existsSync(published.resolve(name, file))).toBe(true);
    }
    expect(entity.spec.owner).toBe('group:default/team-payments');
    expect(
      fs.readFileSync(published.resolve(name, 'README.md'), 'utf8'),
    ).toContain('Owned by `group:default/team-payments`');

    const second = await runTemplate(name);
    // eslint-disable-next-line no-console
    console.log(`the same template again: ${second.wallTimeMs} ms`);
    expect(await kubernetesObjects(name)).toEqual(objects);
  });

  it('deploys the new service with deploy:service:deploy, and fails the step when the deployment fails', async () => {
    const name = uniqueName();
    await runTemplate(name);
    const { port } = backend.server.address() as AddressInfo;
    const discovery = mockServices.discovery.mock({
      getBaseUrl: async pluginId => `http://localhost:${port}/api/${pluginId}`,
    });
    const action = createDeployServiceAction({
      deployBackendFor: credentials =>
        new DeployBackendClient(discovery, mockServices.auth(), credentials),
      pollIntervalMs: 500,
    });

    const healthy = createMockActionContext({
      input: { service: name, version: '1.0.0', timeoutSeconds: 90 },
    });
    await action.handler(healthy);
    expect(healthy.output).toHaveBeenCalledWith('channel', 'dev');
    expect(healthy.output).toHaveBeenCalledWith('status', 'succeeded');

    // Deployed from the service's own manifests, the template's deploy/.
    const deploymentId = (healthy.output as jest.Mock).mock.calls.find(
      ([key]) => key === 'deploymentId',
    )?.[1];
    const set = await request(backend.server)
      .get(`/api/deploy/deployments/${deploymentId}/set`)
      .set('Authorization', guest);
    expect(set.status).toBe(200);
    expect(set.body.source.kind).toBe('kustomize');
    expect(set.body.objects.map((o: any) => o.kind).sort()).toEqual([
      'Deployment',
      'Job',
      'Service',
      'ServiceAccount',
    ]);
    const live = await objectApi.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'slipway-dev' },
    });
    expect((live as any).spec.replicas).toBe(1);
    expect((live as any).spec.template.spec.containers[0]).toMatchObject({
      name: 'app',
      image: `registry.local/shop/${name}:1.0.0`,
      resources: { limits: { memory: '256Mi' } },
      livenessProbe: { tcpSocket: { port: 'http' } },
    });

    // The simulator fails the migration of a version ending in "-fail".
    const failing = createMockActionContext({
      input: { service: name, version: '2.0.0-fail', timeoutSeconds: 90 },
    });
    await expect(action.handler(failing)).rejects.toThrow(
      new RegExp(`of ${name} 2.0.0-fail to dev ended failed`),
    );
  });

  it('in a dry run shows what it would create and changes nothing', async () => {
    const name = uniqueName();
    const response = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', guest)
      .send({ ...newServiceTemplateForDryRun(), values: values(name) });

    expect(response.status).toBe(200);
    const log = response.body.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(
      `Dry run: would register ${name} and create its objects in dev, staging, prod`,
    );
    expect(
      response.body.directoryContents.map((f: any) => f.path).sort(),
    ).toEqual([
      'service/README.md',
      'service/catalog-info.yaml',
      'service/deploy/base/deployment.yaml',
      'service/deploy/base/kustomization.yaml',
      'service/deploy/base/migrate-job.yaml',
      'service/deploy/base/service.yaml',
      'service/deploy/base/serviceaccount.yaml',
      'service/deploy/channels/dev/kustomization.yaml',
      'service/deploy/channels/prod/kustomization.yaml',
      'service/deploy/channels/staging/kustomization.yaml',
    ]);
    const service = await request(backend.server)
      .get(`/api/deploy/services/${name}`)
      .set('Authorization', guest);
    expect(service.status).toBe(404);
    await expect(
      core.readNamespacedServiceAccount({ name, namespace: 'slipway-dev' }),
    ).rejects.toMatchObject({ code: 404 });
    expect(fs.existsSync(published.resolve(name))).toBe(false);
  });
});
