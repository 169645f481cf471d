import {
  V1Container,
  V1Deployment,
  V1Pod,
  V1Volume,
} from '@kubernetes/client-node';
import {
  TEST_LABEL,
  TEST_NAMESPACE,
  adminClients,
  deleteAndWait,
  describeDeployment,
  describePods,
  image,
  rejectionOf,
  rolloutStatus,
  slipwayClients,
  statusCodeOf,
  uniqueName,
  waitFor,
  warningEventsOf,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { core, apps } = slipwayClients();
// Secrets are made by an admin: Slipway only refers to them.
const admin = adminClients();
const namespace = TEST_NAMESPACE;
const TEST_TIMEOUT_MS = 90_000;

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  const pending = cleanups.splice(0);
  const results = await Promise.allSettled(pending.map(cleanup => cleanup()));
  const failed = results.filter(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed.length > 0) {
    throw new Error(
      `cleaning up failed: ${failed.map(f => String(f.reason)).join('; ')}`,
    );
  }
}, TEST_TIMEOUT_MS);

const selectorOf = (name: string) => `app.kubernetes.io/name=${name}`;

async function createDeployment(
  name: string,
  app: Partial<V1Container>,
  volumes?: V1Volume[],
): Promise<V1Deployment> {
  const labels = { 'app.kubernetes.io/name': name, [TEST_LABEL]: 'true' };
  cleanups.push(() =>
    deleteAndWait(
      `Deployment ${name}`,
      () =>
        apps.deleteNamespacedDeployment({
          name,
          namespace,
          propagationPolicy: 'Foreground',
          gracePeriodSeconds: 0,
        }),
      () => apps.readNamespacedDeployment({ name, namespace }),
    ),
  );
  return apps.createNamespacedDeployment({
    namespace,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'app', image: image('web', '2.0'), ...app }],
            volumes,
          },
        },
      },
    },
  });
}

async function createSecret(name: string, data: Record<string, string>) {
  cleanups.push(() =>
    deleteAndWait(
      `Secret ${name}`,
      () => admin.core.deleteNamespacedSecret({ name, namespace }),
      () => admin.core.readNamespacedSecret({ name, namespace }),
    ),
  );
  await admin.core.createNamespacedSecret({
    namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, labels: { [TEST_LABEL]: 'true' } },
      stringData: data,
    },
  });
}

async function waitForRolloutComplete(name: string): Promise<V1Deployment> {
  let last: V1Deployment | undefined;
  return waitFor(
    `the rollout of Deployment ${name} to complete`,
    async () => {
      last = await apps.readNamespacedDeployment({ name, namespace });
      return rolloutStatus(last).done && last;
    },
    { timeoutMs: 30_000, describe: () => describeDeployment(last) },
  );
}

/** Waits for the Deployment's pod to show `reason` on its app container. */
async function waitForWaitingReason(name: string, reason: string) {
  let pods: V1Pod[] = [];
  return waitFor(
    `a pod of ${name} waiting with ${reason}`,
    async () => {
      pods = (
        await core.listNamespacedPod({
          namespace,
          labelSelector: selectorOf(name),
        })
      ).items;
      return pods.find(
        p =>
          p.status?.containerStatuses?.[0]?.state?.waiting?.reason === reason,
      );
    },
    { timeoutMs: 30_000, describe: () => describePods(pods) },
  );
}

const secretEnv = (secret: string, key: string) => ({
  env: [
    {
      name: 'DATABASE_PASSWORD',
      valueFrom: { secretKeyRef: { name: secret, key } },
    },
  ],
});

describe('Secret and ConfigMap references on the local cluster, as slipway-deployer', () => {
  it(
    'holds a container that refers to a missing Secret in CreateContainerConfigError, and starts it once the Secret exists',
    async () => {
      const name = uniqueName('needs-secret');
      const secret = uniqueName('db-credentials');
      await createDeployment(name, secretEnv(secret, 'password'));

      const pod = await waitForWaitingReason(
        name,
        'CreateContainerConfigError',
      );
      const container = pod.status!.containerStatuses![0];
      expect(container.state!.waiting!.message).toBe(
        `secret "${secret}" not found`,
      );
      expect(container.ready).toBe(false);
      expect(pod.status!.phase).toBe('Pending');
      expect(
        pod.status!.conditions!.find(c => c.type === 'Ready')!.status,
      ).toBe('False');
      const warnings = await waitFor(
        "the kubelet's Warning event",
        async () => {
          const events = await warningEventsOf(
            core,
            namespace,
            pod.metadata!.name!,
          );
          return events.length > 0 && events;
        },
        { timeoutMs: 10_000 },
      );
      expect(warnings[0]).toMatchObject({
        reason: 'Failed',
        message: `Error: secret "${secret}" not found`,
        involvedObject: { uid: pod.metadata!.uid },
      });
      // It stays that way: the rollout does not complete.
      await new Promise(resolve => setTimeout(resolve, 3000));
      const stuck = await apps.readNamespacedDeployment({ name, namespace });
      expect(rolloutStatus(stuck).done).toBe(false);
      expect(stuck.status!.availableReplicas ?? 0).toBe(0);

      // Slipway cannot create it ...
      const denied = await rejectionOf(
        core.createNamespacedSecret({
          namespace,
          body: { metadata: { name: secret }, stringData: { password: 'x' } },
        }),
      );
      expect(statusCodeOf(denied)).toBe(403);

      // ... but once someone does, the same pod starts.
      await createSecret(secret, { password: 's3cret' });
      const done = await waitForRolloutComplete(name);
      expect(done.status!.availableReplicas).toBe(1);
      const started = await core.readNamespacedPod({
        name: pod.metadata!.name!,
        namespace,
      });
      expect(started.status!.phase).toBe('Running');
      expect(started.status!.containerStatuses![0]).toMatchObject({
        ready: true,
        state: { running: expect.anything() },
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'starts a pod whose Secret exists as before',
    async () => {
      const name = uniqueName('has-secret');
      const secret = uniqueName('db-credentials');
      await createSecret(secret, { password: 's3cret' });
      await createDeployment(name, secretEnv(secret, 'password'));
      const done = await waitForRolloutComplete(name);
      expect(done.status!.availableReplicas).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports a missing key, and a missing ConfigMap in envFrom, as the kubelet does',
    async () => {
      const wrongKey = uniqueName('wrong-key');
      const noConfig = uniqueName('no-config');
      const secret = uniqueName('db-credentials');
      const configMap = uniqueName('settings');
      await createSecret(secret, { password: 's3cret' });
      await createDeployment(wrongKey, secretEnv(secret, 'username'));
      await createDeployment(noConfig, {
        envFrom: [{ configMapRef: { name: configMap } }],
      });

      const keyPod = await waitForWaitingReason(
        wrongKey,
        'CreateContainerConfigError',
      );
      expect(keyPod.status!.containerStatuses![0].state!.waiting!.message).toBe(
        `couldn't find key username in Secret ${namespace}/${secret}`,
      );
      const configPod = await waitForWaitingReason(
        noConfig,
        'CreateContainerConfigError',
      );
      expect(
        configPod.status!.containerStatuses![0].state!.waiting!.message,
      ).toBe(`configmap "${configMap}" not found`);

      // ConfigMaps are Slipway's to create.
      cleanups.push(() =>
        deleteAndWait(
          `ConfigMap ${configMap}`,
          () => core.deleteNamespacedConfigMap({ name: configMap, namespace }),
          () => core.readNamespacedConfigMap({ name: configMap, namespace }),
        ),
      );
      await core.createNamespacedConfigMap({
        namespace,
        body: {
          metadata: { name: configMap, labels: { [TEST_LABEL]: 'true' } },
          data: { MODE: 'production' },
        },
      });
      await waitForRolloutComplete(noConfig);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps a pod whose secret volume is missing in ContainerCreating, with a FailedMount event',
    async () => {
      const name = uniqueName('needs-tls');
      const secret = uniqueName('tls');
      await createDeployment(
        name,
        { volumeMounts: [{ name: 'tls', mountPath: '/etc/tls' }] },
        [{ name: 'tls', secret: { secretName: secret } }],
      );
      const pod = await waitForWaitingReason(name, 'ContainerCreating');
      const warnings = await waitFor(
        'a FailedMount event',
        async () => {
          const events = await warningEventsOf(
            core,
            namespace,
            pod.metadata!.name!,
          );
          return events.length > 0 && events;
        },
        { timeoutMs: 10_000 },
      );
      expect(warnings[0]).toMatchObject({
        reason: 'FailedMount',
        message: `MountVolume.SetUp failed for volume "tls" : secret "${secret}" not found`,
      });
      await createSecret(secret, { 'tls.crt': 'cert', 'tls.key': 'key' });
      await waitForRolloutComplete(name);
    },
    TEST_TIMEOUT_MS,
  );
});
