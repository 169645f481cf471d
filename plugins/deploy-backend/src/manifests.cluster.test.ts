// A service's own manifests end to end: the plugin in a test backend, on
// SQLite and PostgreSQL, reading manifests from a local directory (the
// portal's local publishing directory), rendering plain YAML, Kustomize and
// Helm with the real tools, and deploying through the least-privilege
// account of the local cluster. The simulator picks pod behaviour from the
// image (tools/local-cluster/README.md): "1.0.0" is healthy, "-crashloop"
// crashes, "-pullfail" cannot be pulled, "-fail" exits 1.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { answerNamingService } from './__testUtils__/answerNamingService';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { Deployment, DeploymentDetails } from '@slipway/plugin-deploy-common';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { deployPlugin } from './plugin';
import {
  describeOnCluster,
  uniqueServiceName,
  waitFor,
} from './kubernetes/__testUtils__/localCluster';

jest.setTimeout(300_000);

const alice = mockCredentials.user.header('user:default/alice');
const NAMESPACE = 'slipway-dev';

function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.SLIPWAY_ADMIN_KUBECONFIG!);
  return kc;
}

/**
 * `actual` cut down to the fields `expected` has (the server adds defaults
 * and status), so `expect(onto(live, stored)).toEqual(stored)` compares what
 * Slipway applied with what the cluster holds, field by field.
 */
function onto(actual: any, expected: any): any {
  if (Array.isArray(expected)) {
    return Array.isArray(actual)
      ? actual.map((a, i) => (i < expected.length ? onto(a, expected[i]) : a))
      : actual;
  }
  if (expected && typeof expected === 'object') {
    return actual && typeof actual === 'object'
      ? Object.fromEntries(
          Object.keys(expected).map(k => [k, onto(actual[k], expected[k])]),
        )
      : actual;
  }
  return actual;
}

async function writeFiles(dir: string, files: Record<string, string>) {
  await fs.rm(dir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), content);
  }
}

const deploymentYaml = (
  name: string,
  extra: { env?: string; replicas?: number } = {},
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${extra.replicas ?? 1}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: registry.local/shop/${name}
        ports: [{name: http, containerPort: 8080}]
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {memory: 128Mi}
        readinessProbe: {httpGet: {path: /ready, port: http}}
        livenessProbe: {httpGet: {path: /live, port: http}}
        env:
        - name: DATABASE_PASSWORD
          valueFrom: {secretKeyRef: {name: ${name}-db, key: password}}
${extra.env ?? ''}
      - name: proxy
        image: envoyproxy/envoy:v1.30.0
`;

describeOnCluster("a service's own manifests against the local cluster", () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const admin = () => KubernetesObjectApi.makeApiClient(adminKubeConfig());
  const core = () => adminKubeConfig().makeApiClient(CoreV1Api);
  let root: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-published-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** The service's entity, published locally with its manifests in ./deploy. */
  function entityOf(name: string): Entity {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'slipway.dev/service': name,
          'backstage.io/managed-by-location': `file:${path.join(
            root,
            name,
            'catalog-info.yaml',
          )}`,
          'slipway.dev/manifests': './deploy',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/team-test',
      },
    };
  }

  async function startBackend(
    databaseId: TestDatabaseId,
    manifests: JsonObject = {},
  ) {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async ref =>
        entityOf(typeof ref === 'string' ? ref.split('/').pop()! : ref.name),
      getEntities: answerNamingService(entityOf),
    });
    const backend = await startTestBackend({
      features: [
        catalog.factory,
        deployPlugin,
        mockServices.rootConfig.factory({
          data: {
            deploy: {
              clusters: [
                {
                  name: 'local',
                  kubeconfigPath: process.env.SLIPWAY_KUBECONFIG,
                },
              ],
              worker: { pollIntervalMs: 200 },
              api: { validateResponses: true },
              localPublish: { directory: root },
              manifests,
              channels: [
                { name: 'dev', cluster: 'local', progressDeadlineSeconds: 30 },
                // Leaves a failed rollout in place.
                {
                  name: 'staging',
                  cluster: 'local',
                  autoRollback: false,
                  progressDeadlineSeconds: 30,
                },
              ],
            },
          },
        }),
        mockServices.database.factory({
          knex: await databases.init(databaseId),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    return { backend, server: backend.server };
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
          channels: {},
        },
      });
    expect(response.status).toBe(201);
  }

  async function details(server: any, id: string): Promise<DeploymentDetails> {
    const response = await request(server)
      .get(`/api/deploy/deployments/${id}`)
      .set('Authorization', alice);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function setOf(server: any, id: string) {
    const response = await request(server)
      .get(`/api/deploy/deployments/${id}/set`)
      .set('Authorization', alice);
    expect(response.status).toBe(200);
    return response.body as {
      hash: string;
      source: Record<string, string>;
      objects: any[];
    };
  }

  async function finished(server: any, id: string): Promise<DeploymentDetails> {
    return waitFor(
      `deployment ${id} to end`,
      async () => {
        const d = await details(server, id);
        return (
          ['succeeded', 'failed', 'rolled_back', 'cancelled'].includes(
            d.deployment.status,
          ) && d
        );
      },
      120_000,
    );
  }

  async function deployAndFinish(server: any, body: object) {
    const response = await request(server)
      .post('/api/deploy/deployments')
      .set('Authorization', alice)
      .send(body);
    expect(response.status).toBe(201);
    return finished(server, (response.body as Deployment).id);
  }

  async function live(
    kind: string,
    apiVersion: string,
    name: string,
    namespace = NAMESPACE,
  ) {
    return admin()
      .read({ apiVersion, kind, metadata: { name, namespace } })
      .catch(() => undefined) as Promise<any>;
  }

  /** The service's database password, created outside Slipway in dev and staging. */
  async function createSecret(name: string) {
    for (const namespace of [NAMESPACE, 'slipway-staging']) {
      await core().createNamespacedSecret({
        namespace,
        body: {
          metadata: { name },
          stringData: { password: 'only-in-the-cluster' },
        },
      });
    }
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('deploys plain YAML with config, a secret reference, probes, an HPA and a PDB, labelled; prunes what leaves the set but never a claim', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('plain');
      await createSecret(`${name}-db`);
      const extra = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}-extra}
data: {temporary: "yes"}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Mi}}
`;
      const files = {
        'base/deployment.yaml': deploymentYaml(name),
        'base/config.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}-settings}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: ${name}}}
`,
        'base/extra.yaml': extra,
      };
      await writeFiles(path.join(root, name, 'deploy'), files);
      await register(server, name);

      const first = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.0.0',
      });
      expect(first.deployment.status).toBe('succeeded');
      // Reported, not gating: an autoscaler without metrics stays unable to scale.
      const reported = first.events.find(e => e.type === 'reported');
      expect(
        (reported?.data?.objects as Array<{ kind: string }>).map(o => o.kind),
      ).toEqual(['HorizontalPodAutoscaler', 'PodDisruptionBudget']);
      const set = await setOf(server, first.deployment.id);
      expect(set.source).toMatchObject({ kind: 'plain' });
      expect(set.source.commit).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(set.objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
        `ConfigMap/${name}-settings`,
        `ConfigMap/${name}-extra`,
        `PersistentVolumeClaim/${name}-data`,
        `Service/${name}`,
        `Deployment/${name}`,
        `HorizontalPodAutoscaler/${name}`,
        `PodDisruptionBudget/${name}`,
      ]);
      for (const object of set.objects) {
        const applied = await live(
          object.kind,
          object.apiVersion,
          object.metadata.name,
        );
        expect(applied?.metadata.labels).toMatchObject({
          'slipway.dev/service': name,
          'slipway.dev/channel': 'dev',
          'slipway.dev/deployment-id': first.deployment.id,
          'backstage.io/kubernetes-id': name,
          'app.kubernetes.io/managed-by': 'slipway',
        });
      }
      const deployment = await live('Deployment', 'apps/v1', name);
      const [web, proxy] = deployment.spec.template.spec.containers;
      expect(web.image).toBe(`registry.local/shop/${name}:1.0.0`);
      expect(proxy.image).toBe('envoyproxy/envoy:v1.30.0');
      expect(web.resources.limits.memory).toBe('128Mi');
      expect(web.env[0].valueFrom.secretKeyRef.name).toBe(`${name}-db`);

      // The ConfigMap and the claim leave the set: the ConfigMap goes once
      // the new set is healthy, the claim stays.
      delete (files as Record<string, string>)['base/extra.yaml'];
      await writeFiles(path.join(root, name, 'deploy'), files);
      const second = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.0.1',
      });
      expect(second.deployment.status).toBe('succeeded');
      const changed = await request(server)
        .get(`/api/deploy/deployments/${second.deployment.id}/diff`)
        .set('Authorization', alice);
      expect(changed.status).toBe(200);
      expect(changed.body.base.deploymentId).toBe(first.deployment.id);
      expect(
        changed.body.changes.map(
          (c: { change: string; kind: string }) => `${c.change} ${c.kind}`,
        ),
      ).toEqual([
        'removed ConfigMap',
        'removed PersistentVolumeClaim',
        'changed Deployment',
      ]);
      const pruned = second.events.find(e => e.type === 'pruned');
      expect(pruned?.data).toEqual({
        deleted: [`ConfigMap ${name}-extra`],
        kept: [
          `PersistentVolumeClaim ${name}-data (holds data; delete it by hand when no longer needed)`,
        ],
      });
      expect(await live('ConfigMap', 'v1', `${name}-extra`)).toBeUndefined();
      expect(
        await live('PersistentVolumeClaim', 'v1', `${name}-data`),
      ).toBeDefined();
      await backend.stop();
    });

    it('renders Kustomize overlays per channel, and a promotion renders the files of the deployment it promotes', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('kust');
      await createSecret(`${name}-db`);
      const overlay = (
        replicas: number,
        level: string,
      ) => `resources: [../../base]
patches:
- target: {kind: Deployment, name: ${name}}
  patch: |
    - op: replace
      path: /spec/replicas
      value: ${replicas}
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value: {name: LEVEL, value: ${level}}
`;
      const files: Record<string, string> = {
        'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
        'base/deployment.yaml': deploymentYaml(name),
        'channels/dev/kustomization.yaml': overlay(2, 'dev'),
        'channels/staging/kustomization.yaml': overlay(1, 'staging'),
      };
      await writeFiles(path.join(root, name, 'deploy'), files);
      await register(server, name);
      const dev = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '2.0.0',
      });
      expect(dev.deployment.status).toBe('succeeded');
      const devSet = await setOf(server, dev.deployment.id);
      expect(devSet.source.kind).toBe('kustomize');
      expect(devSet.source.tool).toMatch(/^kustomize v5\./);
      const devDeployment = devSet.objects.find(o => o.kind === 'Deployment');
      expect(devDeployment.spec.replicas).toBe(2);
      expect(devDeployment.spec.template.spec.containers[0]).toMatchObject({
        image: `registry.local/shop/${name}:2.0.0`,
        env: expect.arrayContaining([{ name: 'LEVEL', value: 'dev' }]),
      });

      // The branch moves on after dev took 2.0.0; staging must get 2.0.0's files.
      files['base/deployment.yaml'] = deploymentYaml(name, {
        env: '        - {name: ADDED_LATER, value: "1"}',
      });
      await writeFiles(path.join(root, name, 'deploy'), files);
      // Before the promotion is confirmed: what it will change in staging.
      const preview = await request(server)
        .get(`/api/deploy/services/${name}/diff?channel=staging`)
        .set('Authorization', alice);
      expect(preview.status).toBe(200);
      expect(preview.body.base).toBeUndefined();
      expect(preview.body.head).toEqual({
        channel: 'staging',
        version: '2.0.0',
      });
      expect(preview.body.changes).toEqual([
        expect.objectContaining({ kind: 'Deployment', name, change: 'added' }),
      ]);
      expect(preview.body.changes[0].diff).toMatch(/\+\s+value: staging/);
      expect(preview.body.changes[0].diff).not.toContain('ADDED_LATER');
      const staging = await deployAndFinish(server, {
        service: name,
        channel: 'staging',
      });
      expect(staging.deployment.status).toBe('succeeded');
      const stagingSet = await setOf(server, staging.deployment.id);
      expect(stagingSet.source.snapshot).toBe(devSet.source.snapshot);
      const stagingDeployment = stagingSet.objects.find(
        o => o.kind === 'Deployment',
      );
      expect(stagingDeployment.spec.replicas).toBe(1);
      // What dev runs that staging does not.
      const compared = await request(server)
        .get(`/api/deploy/services/${name}/compare?base=staging&head=dev`)
        .set('Authorization', alice);
      expect(compared.status).toBe(200);
      expect(compared.body.base.deploymentId).toBe(staging.deployment.id);
      expect(compared.body.head.deploymentId).toBe(dev.deployment.id);
      expect(compared.body.changes).toHaveLength(1);
      expect(compared.body.changes[0].diff).toContain(
        '-  replicas: 1\n+  replicas: 2',
      );
      expect(compared.body.changes[0].diff).toMatch(/-\s+value: staging/);
      expect(compared.body.changes[0].diff).toMatch(/\+\s+value: dev/);
      expect(stagingDeployment.spec.template.spec.containers[0].env).toEqual([
        expect.objectContaining({ name: 'DATABASE_PASSWORD' }),
        { name: 'LEVEL', value: 'staging' },
      ]);
      await backend.stop();
    });

    it('runs a Helm chart with values per channel, its pre-upgrade hook Job as the migration first, and leaves the app untouched when that fails', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('helm');
      await createSecret(`${name}-db`);
      await writeFiles(path.join(root, name, 'deploy'), {
        'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
        'values.yaml': `replicas: 1\nlevel: info\nimage: registry.local/shop/${name}\n`,
        'values-dev.yaml': 'replicas: 2\nlevel: debug\n',
        'values-staging.yaml': 'replicas: 1\nlevel: warn\n',
        'templates/deployment.yaml': deploymentYaml(name, {
          env: '        - {name: LEVEL, value: {{ .Values.level | quote }}}',
        }).replace('replicas: 1', 'replicas: {{ .Values.replicas }}'),
        'templates/migrate.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: {{ .Values.image }}
        command: [./migrate, up]
`,
        'templates/tests/connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations: {helm.sh/hook: test}
spec:
  containers: [{name: t, image: busybox}]
`,
      });
      await register(server, name);
      const first = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '3.0.0',
      });
      expect(first.deployment.status).toBe('succeeded');
      expect(first.events.map(e => e.type)).toEqual([
        'requested',
        'started',
        'migration-started',
        'migration-succeeded',
        'rollout-started',
        'succeeded',
      ]);
      const set = await setOf(server, first.deployment.id);
      expect(set.source.kind).toBe('helm');
      expect(set.objects.map(o => o.kind)).toEqual(['Job', 'Deployment']);
      const job = set.objects[0];
      expect(job.metadata.name).toMatch(
        new RegExp(`^${name}-migrate-[0-9a-f]{10}$`),
      );
      expect(job.spec.template.spec.containers[0].image).toBe(
        `registry.local/shop/${name}:3.0.0`,
      );
      const devWeb = await live('Deployment', 'apps/v1', name);
      expect(devWeb.spec.replicas).toBe(2);
      expect(devWeb.spec.template.spec.containers[0].env).toContainEqual({
        name: 'LEVEL',
        value: 'debug',
      });

      // Promoted: staging's values, the same version.
      const staging = await deployAndFinish(server, {
        service: name,
        channel: 'staging',
      });
      expect(staging.deployment.status).toBe('succeeded');
      const stagingWeb = await live(
        'Deployment',
        'apps/v1',
        name,
        'slipway-staging',
      );
      expect(stagingWeb.spec.replicas).toBe(1);
      expect(stagingWeb.spec.template.spec.containers[0]).toMatchObject({
        image: `registry.local/shop/${name}:3.0.0`,
        env: expect.arrayContaining([{ name: 'LEVEL', value: 'warn' }]),
      });

      const failed = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '3.0.1-fail',
      });
      expect(failed.deployment.status).toBe('failed');
      expect(failed.deployment.result?.migration?.state).toBe('failed');
      expect(
        (await live('Deployment', 'apps/v1', name)).spec.template.spec
          .containers[0].image,
      ).toBe(`registry.local/shop/${name}:3.0.0`);
      await backend.stop();
    });

    it('judges a StatefulSet and a DaemonSet by kubectl rules, and fails a stalled one, restoring the last set', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('sts');
      const podTemplate = (app: string) => `  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers:
      - name: main
        image: registry.local/shop/${name}
`;
      await writeFiles(path.join(root, name, 'deploy'), {
        'statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  replicas: 2
${podTemplate(`${name}-db`)}`,
        'daemonset.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}-agent}
spec:
${podTemplate(`${name}-agent`)}`,
      });
      await register(server, name);
      const first = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '4.0.0',
      });
      expect(first.deployment.status).toBe('succeeded');
      expect(first.deployment.result?.rollout?.message).toBe(
        'All 2 workloads and claims are ready',
      );
      // The Deploy tab sees each workload with its pods.
      const status = await waitFor(
        'both workloads in the live status',
        async () => {
          const response = await request(server)
            .get(`/api/deploy/services/${name}/status`)
            .set('Authorization', alice);
          const dev = response.body.channels.find(
            (c: { channel: string }) => c.channel === 'dev',
          );
          return dev?.health === 'Healthy' && dev;
        },
      );
      expect(
        status.workloads.map((w: any) => [
          w.kind,
          w.name,
          w.health,
          w.ready,
          w.desired,
          w.pods.length,
        ]),
      ).toEqual([
        ['DaemonSet', `${name}-agent`, 'Healthy', 3, 3, 3],
        ['StatefulSet', name, 'Healthy', 2, 2, 2],
      ]);
      expect(status.pods).toHaveLength(5);
      expect(status.runningVersion).toBe('4.0.0');

      const stalled = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '4.0.1-pullfail',
      });
      expect(stalled.deployment.status).toBe('rolled_back');
      expect(stalled.deployment.result?.rollout).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(
          /ImagePullBackOff|ErrImagePull|ProgressDeadlineExceeded/,
        ),
      });
      const sts = await live('StatefulSet', 'apps/v1', name);
      expect(sts.spec.template.spec.containers[0].image).toBe(
        `registry.local/shop/${name}:4.0.0`,
      );
      await backend.stop();
    });

    it('fails early on a missing secret, naming it', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('nosecret');
      await writeFiles(path.join(root, name, 'deploy'), {
        'deployment.yaml': deploymentYaml(name),
      });
      await register(server, name);
      const result = await deployAndFinish(server, {
        service: name,
        channel: 'dev',
        version: '1.0.0',
      });
      expect(result.deployment.status).toBe('failed');
      expect(result.deployment.result?.rollout?.reason).toBe(
        'CreateContainerConfigError',
      );
      expect(result.deployment.result?.rollout?.message).toContain(
        `secret "${name}-db" not found`,
      );
      await backend.stop();
    });

    it.each([
      [
        'a Secret with data',
        `apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: hunter2}\n`,
        'Secret creds: a Secret with data or stringData',
      ],
      [
        'an object in another namespace',
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: kube-system}\n`,
        'namespace "kube-system" is not the dev channel\'s namespace',
      ],
      [
        'a cluster-scoped object',
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: everything}\nrules: []\n`,
        'ClusterRole everything: ClusterRole is cluster-scoped',
      ],
    ])(
      'refuses %s with nothing applied or recorded',
      async (_what, object, message) => {
        const { backend, server } = await startBackend(databaseId);
        const name = uniqueServiceName('refused');
        await writeFiles(path.join(root, name, 'deploy'), {
          'deployment.yaml': deploymentYaml(name),
          'bad.yaml': object,
        });
        await register(server, name);
        const response = await request(server)
          .post('/api/deploy/deployments')
          .set('Authorization', alice)
          .send({ service: name, channel: 'dev', version: '1.0.0' });
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain('bad.yaml: ');
        expect(response.body.error.message).toContain(message);
        expect(response.body.error.message).not.toContain('hunter2');
        const history = await request(server)
          .get(`/api/deploy/deployments?service=${name}`)
          .set('Authorization', alice);
        expect(history.body.items).toEqual([]);
        expect(await live('Deployment', 'apps/v1', name)).toBeUndefined();
        await backend.stop();
      },
    );

    it('refuses manifests in which no container uses the service image, naming the repository', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('noimage');
      await writeFiles(path.join(root, name, 'deploy'), {
        'deployment.yaml': deploymentYaml(name).replaceAll(
          `registry.local/shop/${name}`,
          'nginx:1.27',
        ),
      });
      await register(server, name);
      const response = await request(server)
        .post('/api/deploy/deployments')
        .set('Authorization', alice)
        .send({ service: name, channel: 'dev', version: '1.0.0' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        `No container in the manifests uses the service's image repository "registry.local/shop/${name}"`,
      );
      expect(await live('Deployment', 'apps/v1', name)).toBeUndefined();
      await backend.stop();
    });

    /** Deploys a good set, then a crashing one that also adds a ConfigMap. */
    async function goodThenBad(server: any, name: string, channel: string) {
      const files = (level: string, extra = '') => ({
        'deployment.yaml': deploymentYaml(name),
        'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-settings}\ndata: {LEVEL: ${level}}\n${extra}`,
      });
      const dir = path.join(root, name, 'deploy');
      await writeFiles(dir, files('one'));
      await register(server, name);
      const override = channel === 'dev' ? {} : { overrideReason: 'test' };
      const good = await deployAndFinish(server, {
        service: name,
        channel,
        version: '5.0.0',
        ...override,
      });
      expect(good.deployment.status).toBe('succeeded');
      await writeFiles(
        dir,
        files(
          'two',
          `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-new}\ndata: {a: b}\n`,
        ),
      );
      const bad = await deployAndFinish(server, {
        service: name,
        channel,
        version: '5.0.1-crashloop',
        ...override,
      });
      return { good, goodSet: await setOf(server, good.deployment.id), bad };
    }

    /** Object by object, the cluster holds the stored set, and nothing the failed set added. */
    async function expectRunning(
      name: string,
      set: { objects: any[] },
      namespace: string,
    ) {
      for (const object of set.objects) {
        const applied = await live(
          object.kind,
          object.apiVersion,
          object.metadata.name,
          object.metadata.namespace,
        );
        const stored = {
          kind: object.kind,
          metadata: {
            name: object.metadata.name,
            labels: object.metadata.labels,
          },
          spec: object.spec,
          data: object.data,
        };
        expect(onto(applied, stored)).toEqual(stored);
      }
      await waitFor(`${name}-new to be removed`, async () =>
        !(await live('ConfigMap', 'v1', `${name}-new`, namespace))
          ? true
          : undefined,
      );
    }

    it('restores the exact last succeeded set by itself when a rollout fails', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('restore');
      await createSecret(`${name}-db`);
      const { goodSet, bad } = await goodThenBad(server, name, 'dev');
      expect(bad.deployment.status).toBe('rolled_back');
      await expectRunning(name, goodSet, NAMESPACE);
      await backend.stop();
    });

    it('restores the exact last succeeded set on request after a failure left in place', async () => {
      const { backend, server } = await startBackend(databaseId);
      const name = uniqueServiceName('restore');
      await createSecret(`${name}-db`);
      const { good, goodSet, bad } = await goodThenBad(server, name, 'staging');
      // Left in place: the failed set runs until someone rolls back.
      expect(bad.deployment.status).toBe('failed');
      expect(
        (await live('ConfigMap', 'v1', `${name}-settings`, 'slipway-staging'))
          .data,
      ).toEqual({ LEVEL: 'two' });
      const rollback = await request(server)
        .post(`/api/deploy/services/${name}/channels/staging/rollback`)
        .set('Authorization', alice)
        .send({});
      expect(rollback.status).toBe(201);
      const restored = await finished(server, rollback.body.id);
      expect(restored.deployment.status).toBe('succeeded');
      const restoredSet = await setOf(server, restored.deployment.id);
      expect(restoredSet.source.restoredFrom).toBe(good.deployment.id);
      expect(restoredSet.objects).toEqual(goodSet.objects);
      await expectRunning(name, goodSet, 'slipway-staging');
      await backend.stop();
    });
  });

  it('says which tool is missing and which key to set', async () => {
    const [databaseId] = databases.eachSupportedId()[0];
    const { backend, server } = await startBackend(databaseId, {
      helm: { command: '/nonexistent/helm' },
    });
    const name = uniqueServiceName('notool');
    await writeFiles(path.join(root, name, 'deploy'), {
      'Chart.yaml': `apiVersion: v2\nname: x\nversion: 0.1.0\n`,
      'templates/deployment.yaml': deploymentYaml(name),
    });
    await register(server, name);
    const response = await request(server)
      .post('/api/deploy/deployments')
      .set('Authorization', alice)
      .send({ service: name, channel: 'dev', version: '1.0.0' });
    expect(response.status).toBe(503);
    expect(response.body.error.message).toContain(
      'deploy.manifests.helm.command',
    );
    await backend.stop();
  });
});
