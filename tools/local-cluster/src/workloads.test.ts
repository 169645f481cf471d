import {
  V1DaemonSet,
  V1PersistentVolumeClaim,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  TEST_LABEL,
  TEST_NAMESPACE,
  adminClients,
  daemonSetRolloutStatus,
  deleteAndWait,
  describePods,
  image,
  rejectionOf,
  slipwayClients,
  statefulSetRolloutStatus,
  statusCodeOf,
  uniqueName,
  waitFor,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { core, apps } = slipwayClients();
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

const labelsOf = (name: string) => ({
  'app.kubernetes.io/name': name,
  [TEST_LABEL]: 'true',
});
const selectorOf = (name: string) => `app.kubernetes.io/name=${name}`;

async function listPods(name: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace,
    labelSelector: selectorOf(name),
  });
  return list.items;
}

/** Claims are deleted by an admin: Slipway may not delete them. */
function cleanUpClaim(name: string) {
  cleanups.push(() =>
    deleteAndWait(
      `PersistentVolumeClaim ${name}`,
      () =>
        admin.core.deleteNamespacedPersistentVolumeClaim({ name, namespace }),
      () => admin.core.readNamespacedPersistentVolumeClaim({ name, namespace }),
    ),
  );
}

async function createStatefulSet(
  name: string,
  containerImage: string,
  options: { replicas?: number; claimSize?: string } = {},
): Promise<V1StatefulSet> {
  const replicas = options.replicas ?? 2;
  cleanups.push(() =>
    deleteAndWait(
      `StatefulSet ${name}`,
      () =>
        apps.deleteNamespacedStatefulSet({
          name,
          namespace,
          propagationPolicy: 'Foreground',
          gracePeriodSeconds: 0,
        }),
      () => apps.readNamespacedStatefulSet({ name, namespace }),
    ),
  );
  if (options.claimSize) {
    // The default retention policy keeps claims when the StatefulSet goes.
    for (let i = 0; i < replicas; i++) {
      cleanUpClaim(`data-${name}-${i}`);
    }
  }
  return apps.createNamespacedStatefulSet({
    namespace,
    body: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace, labels: labelsOf(name) },
      spec: {
        replicas,
        serviceName: name,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels: labelsOf(name) },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [
              {
                name: 'db',
                image: containerImage,
                volumeMounts: options.claimSize
                  ? [{ name: 'data', mountPath: '/var/lib/data' }]
                  : undefined,
              },
            ],
          },
        },
        volumeClaimTemplates: options.claimSize
          ? [
              {
                metadata: { name: 'data', labels: labelsOf(name) },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: options.claimSize } },
                },
              },
            ]
          : undefined,
      },
    },
  });
}

async function createDaemonSet(
  name: string,
  containerImage: string,
): Promise<V1DaemonSet> {
  cleanups.push(() =>
    deleteAndWait(
      `DaemonSet ${name}`,
      () =>
        apps.deleteNamespacedDaemonSet({
          name,
          namespace,
          propagationPolicy: 'Foreground',
          gracePeriodSeconds: 0,
        }),
      () => apps.readNamespacedDaemonSet({ name, namespace }),
    ),
  );
  return apps.createNamespacedDaemonSet({
    namespace,
    body: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace, labels: labelsOf(name) },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels: labelsOf(name) },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'agent', image: containerImage }],
          },
        },
      },
    },
  });
}

async function waitForStatefulSetRollout(name: string, timeoutMs = 60_000) {
  let last: V1StatefulSet | undefined;
  return waitFor(
    `the rollout of StatefulSet ${name} to complete`,
    async () => {
      last = await apps.readNamespacedStatefulSet({ name, namespace });
      return statefulSetRolloutStatus(last).done && last;
    },
    {
      timeoutMs,
      describe: async () =>
        `${JSON.stringify(last?.status)} pods: ${describePods(
          await listPods(name),
        )}`,
    },
  );
}

async function waitForDaemonSetRollout(name: string) {
  let last: V1DaemonSet | undefined;
  return waitFor(
    `the rollout of DaemonSet ${name} to complete`,
    async () => {
      last = await apps.readNamespacedDaemonSet({ name, namespace });
      return daemonSetRolloutStatus(last).done && last;
    },
    {
      describe: async () =>
        `${JSON.stringify(last?.status)} pods: ${describePods(
          await listPods(name),
        )}`,
    },
  );
}

async function waitForBound(name: string): Promise<V1PersistentVolumeClaim> {
  let last: V1PersistentVolumeClaim | undefined;
  return waitFor(
    `PersistentVolumeClaim ${name} to be Bound`,
    async () => {
      last = await core.readNamespacedPersistentVolumeClaim({
        name,
        namespace,
      });
      return last.status?.phase === 'Bound' && last;
    },
    { timeoutMs: 30_000, describe: () => JSON.stringify(last?.status) },
  );
}

/** The claim is bound to a volume provisioned for it, of the size asked for. */
async function expectProvisioned(claim: V1PersistentVolumeClaim, size: string) {
  expect(claim.spec!.storageClassName).toBe('standard');
  expect(claim.status!.capacity!.storage).toBe(size);
  const volume = await admin.core.readPersistentVolume({
    name: claim.spec!.volumeName!,
  });
  expect(volume.spec!.claimRef).toMatchObject({
    name: claim.metadata!.name,
    namespace,
    uid: claim.metadata!.uid,
  });
  expect(volume.spec!.capacity!.storage).toBe(size);
  expect(volume.spec!.persistentVolumeReclaimPolicy).toBe('Delete');
  expect(volume.status!.phase).toBe('Bound');
}

describe('StatefulSets, DaemonSets and volumes on the local cluster, as slipway-deployer', () => {
  it(
    'rolls out a StatefulSet whose replicas each get a bound claim from volumeClaimTemplates, and rolls an image change',
    async () => {
      const name = uniqueName('sts');
      await createStatefulSet(name, image('postgres', '16.1'), {
        claimSize: '1Gi',
      });

      const first = await waitForStatefulSetRollout(name);
      expect(first.status).toMatchObject({
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      });
      for (const i of [0, 1]) {
        const claim = await waitForBound(`data-${name}-${i}`);
        await expectProvisioned(claim, '1Gi');
      }
      const pods = await listPods(name);
      expect(pods.map(p => p.metadata!.name).sort()).toEqual([
        `${name}-0`,
        `${name}-1`,
      ]);

      // A new image: the controller replaces the pods one by one, same names.
      await apps.patchNamespacedStatefulSet({
        name,
        namespace,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: image('postgres', '16.2'),
          },
        ],
      });
      let last: V1StatefulSet | undefined;
      const second = await waitFor(
        'every replica on the new revision and ready',
        async () => {
          last = await apps.readNamespacedStatefulSet({ name, namespace });
          return (
            statefulSetRolloutStatus(last).done &&
            last.status!.updateRevision !== first.status!.updateRevision &&
            last.status!.currentRevision === last.status!.updateRevision &&
            last.status!.updatedReplicas === 2 &&
            last
          );
        },
        { describe: () => JSON.stringify(last?.status) },
      );
      expect(second.status!.readyReplicas).toBe(2);
      for (const pod of await listPods(name)) {
        expect(pod.spec!.containers[0].image).toBe(image('postgres', '16.2'));
        expect(pod.status!.containerStatuses![0].ready).toBe(true);
      }
      // The controller's history is readable.
      const revisions = await apps.listNamespacedControllerRevision({
        namespace,
        labelSelector: selectorOf(name),
      });
      expect(revisions.items.length).toBeGreaterThanOrEqual(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rolls out a StatefulSet without volumes, and keeps one whose image crashes not ready',
    async () => {
      const healthy = uniqueName('sts-ok');
      const crashing = uniqueName('sts-crash');
      await createStatefulSet(healthy, image('cache', '7.2'), { replicas: 3 });
      await createStatefulSet(crashing, image('cache', '7.2-fail'));

      const done = await waitForStatefulSetRollout(healthy);
      expect(done.status!.readyReplicas).toBe(3);

      // Pods are created in order: the first one never gets ready, so the
      // second is never created.
      let pods: V1Pod[] = [];
      await waitFor(
        'the first pod to crash-loop',
        async () => {
          pods = await listPods(crashing);
          return pods.some(
            p =>
              p.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
                'CrashLoopBackOff' &&
              p.status.containerStatuses[0].restartCount > 0,
          );
        },
        { timeoutMs: 30_000, describe: () => describePods(pods) },
      );
      expect(pods.map(p => p.metadata!.name)).toEqual([`${crashing}-0`]);
      const sts = await apps.readNamespacedStatefulSet({
        name: crashing,
        namespace,
      });
      expect(sts.status!.readyReplicas ?? 0).toBe(0);
      expect(statefulSetRolloutStatus(sts).done).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs one pod of a DaemonSet on every node, and keeps one whose image does not exist unavailable',
    async () => {
      const nodes = (await admin.core.listNode()).items;
      expect(nodes).toHaveLength(3);

      const name = uniqueName('ds');
      const broken = uniqueName('ds-pull');
      await createDaemonSet(name, image('log-agent', '3.0'));
      await createDaemonSet(broken, image('log-agent', '3.0-pullfail'));

      const done = await waitForDaemonSetRollout(name);
      expect(done.status).toMatchObject({
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 3,
        numberAvailable: 3,
        numberMisscheduled: 0,
      });
      const pods = await listPods(name);
      expect(pods.map(p => p.spec!.nodeName).sort()).toEqual(
        nodes.map(n => n.metadata!.name).sort(),
      );

      let brokenPods: V1Pod[] = [];
      await waitFor(
        'all three pods in ImagePullBackOff',
        async () => {
          brokenPods = await listPods(broken);
          return (
            brokenPods.length === 3 &&
            brokenPods.every(
              p =>
                p.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
                'ImagePullBackOff',
            )
          );
        },
        { timeoutMs: 30_000, describe: () => describePods(brokenPods) },
      );
      const ds = await apps.readNamespacedDaemonSet({
        name: broken,
        namespace,
      });
      expect(ds.status!.numberAvailable ?? 0).toBe(0);
      expect(daemonSetRolloutStatus(ds).done).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'binds a plain claim to a volume provisioned for it, which Slipway may not delete',
    async () => {
      const name = uniqueName('pvc');
      cleanUpClaim(name);
      await core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace, labels: labelsOf(name) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '100Mi' } },
          },
        },
      });
      await expectProvisioned(await waitForBound(name), '100Mi');

      const error = await rejectionOf(
        core.deleteNamespacedPersistentVolumeClaim({ name, namespace }),
      );
      expect(statusCodeOf(error)).toBe(403);
    },
    TEST_TIMEOUT_MS,
  );
});
