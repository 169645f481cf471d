// The new-service template end to end: the real scaffolder and catalog
// backends, the deploy backend and this module in one test backend, running
// examples/templates/new-service against the local cluster's least-privilege
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
import yaml from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AddressInfo } from 'node:net';
import { createDeployServiceAction } from './actions/deployService';
import { DeployBackendClient } from './client/DeployBackendClient';
import { catalogModuleFileLocations } from './localPublishing/catalogModuleFileLocations';
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
const templateDir = path.join(repoRoot, 'examples/templates/new-service');
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
    expect(entity.metadata.annotations['slipway.dev/service']).toBe(name);
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
    const template = yaml.parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    const skeleton = fs
      .readdirSync(path.join(templateDir, 'skeleton'))
      .map(file => ({
        path: `skeleton/${file}`,
        base64Content: fs
          .readFileSync(path.join(templateDir, 'skeleton', file))
          .toString('base64'),
      }));

    const response = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', guest)
      .send({ template, values: values(name), directoryContents: skeleton });

    expect(response.status).toBe(200);
    const log = response.body.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(
      `Dry run: would register ${name} and create its objects in dev, staging, prod`,
    );
    expect(
      response.body.directoryContents.map((f: any) => f.path).sort(),
    ).toEqual(['service/README.md', 'service/catalog-info.yaml']);
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
