import {
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  Watch,
} from '@kubernetes/client-node';
import {
  TEST_LABEL,
  TEST_NAMESPACE,
  deleteAndWait,
  describeDeployment,
  describePods,
  image,
  rolloutStatus,
  slipwayClients,
  uniqueName,
  waitFor,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { kubeConfig, core, apps } = slipwayClients();
const namespace = TEST_NAMESPACE;
const TEST_TIMEOUT_MS = 90_000;
const REVISION = 'deployment.kubernetes.io/revision';

function deploymentManifest(
  name: string,
  containerImage: string,
  options: { replicas?: number; progressDeadlineSeconds?: number } = {},
): V1Deployment {
  const labels = { 'app.kubernetes.io/name': name, [TEST_LABEL]: 'true' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 2,
      progressDeadlineSeconds: options.progressDeadlineSeconds,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'app',
              image: containerImage,
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];

async function createDeployment(manifest: V1Deployment): Promise<V1Deployment> {
  const name = manifest.metadata!.name!;
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
  return apps.createNamespacedDeployment({ namespace, body: manifest });
}

const selectorOf = (name: string) => `app.kubernetes.io/name=${name}`;

async function listPods(name: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace,
    labelSelector: selectorOf(name),
  });
  return list.items;
}

async function listReplicaSets(name: string): Promise<V1ReplicaSet[]> {
  const list = await apps.listNamespacedReplicaSet({
    namespace,
    labelSelector: selectorOf(name),
  });
  return list.items;
}

/** Waits for what `kubectl rollout status` calls complete, as the deployer sees it. */
async function waitForRolloutComplete(name: string): Promise<V1Deployment> {
  let last: V1Deployment | undefined;
  return waitFor(
    `the rollout of Deployment ${name} to complete`,
    async () => {
      last = await apps.readNamespacedDeployment({ name, namespace });
      return rolloutStatus(last).done && last;
    },
    { describe: () => describeDeployment(last) },
  );
}

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

describe('Deployments on the local cluster, as slipway-deployer', () => {
  it(
    'rolls a healthy image out to completion, and an image change out as a new ReplicaSet',
    async () => {
      const name = uniqueName('rollout');
      const created = await createDeployment(
        deploymentManifest(name, image('web', '1.4.0')),
      );
      expect(created.metadata!.generation).toBe(1);

      // Revision 1 reaches what `kubectl rollout status` calls complete.
      const first = await waitForRolloutComplete(name);
      expect(first.status!.observedGeneration).toBeGreaterThanOrEqual(
        first.metadata!.generation!,
      );
      expect(first.status).toMatchObject({
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      });
      expect(first.status!.unavailableReplicas ?? 0).toBe(0);
      expect(first.metadata!.annotations![REVISION]).toBe('1');
      const firstSets = await listReplicaSets(name);
      expect(firstSets).toHaveLength(1);
      const firstSet = firstSets[0];
      expect(firstSet.metadata!.annotations![REVISION]).toBe('1');
      expect(firstSet.metadata!.ownerReferences![0]).toMatchObject({
        kind: 'Deployment',
        name,
        uid: created.metadata!.uid,
      });
      const firstHash = firstSet.metadata!.labels!['pod-template-hash'];
      expect(firstHash).toBeTruthy();

      // A new image is a new pod template: a new ReplicaSet, revision 2.
      const newImage = image('web', '1.4.1');
      const patched = await apps.patchNamespacedDeployment({
        name,
        namespace,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: newImage,
          },
        ],
      });
      expect(patched.metadata!.generation).toBe(2);

      const second = await waitForRolloutComplete(name);
      expect(second.status!.observedGeneration).toBeGreaterThanOrEqual(2);
      expect(second.status).toMatchObject({
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
      });
      expect(second.metadata!.annotations![REVISION]).toBe('2');

      const sets = await waitFor(
        'the old ReplicaSet to be scaled to zero',
        async () => {
          const all = await listReplicaSets(name);
          const old = all.find(s => s.metadata!.uid === firstSet.metadata!.uid);
          return old?.spec!.replicas === 0 && old.status!.replicas === 0 && all;
        },
      );
      expect(sets).toHaveLength(2);
      const secondSet = sets.find(
        s => s.metadata!.uid !== firstSet.metadata!.uid,
      )!;
      expect(secondSet.metadata!.annotations![REVISION]).toBe('2');
      const secondHash = secondSet.metadata!.labels!['pod-template-hash'];
      expect(secondHash).toBeTruthy();
      expect(secondHash).not.toBe(firstHash);
      expect(secondSet.spec!.template!.spec!.containers[0].image).toBe(
        newImage,
      );
      expect(secondSet.status).toMatchObject({
        replicas: 2,
        availableReplicas: 2,
      });

      // Only the new revision's pods are left, Running and Ready.
      let pods: V1Pod[] = [];
      await waitFor(
        "only the new ReplicaSet's two pods to be left",
        async () => {
          pods = await listPods(name);
          return (
            pods.length === 2 &&
            pods.every(
              p => p.metadata!.labels!['pod-template-hash'] === secondHash,
            )
          );
        },
        { describe: () => describePods(pods) },
      );
      for (const pod of pods) {
        expect(pod.status!.phase).toBe('Running');
        expect(pod.spec!.containers[0].image).toBe(newImage);
        expect(pod.status!.containerStatuses![0].ready).toBe(true);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stalls a crash-looping image at its progress deadline, with the crashed run readable',
    async () => {
      const name = uniqueName('crash');
      await createDeployment(
        deploymentManifest(name, image('web', '1.5.0-crashloop'), {
          replicas: 1,
          progressDeadlineSeconds: 10,
        }),
      );

      // The real deployment controller gives up after the deadline.
      let deployment: V1Deployment | undefined;
      await waitFor(
        'Progressing=False, reason ProgressDeadlineExceeded',
        async () => {
          deployment = await apps.readNamespacedDeployment({ name, namespace });
          const progressing = deployment.status?.conditions?.find(
            c => c.type === 'Progressing',
          );
          return (
            progressing?.status === 'False' &&
            progressing.reason === 'ProgressDeadlineExceeded'
          );
        },
        { timeoutMs: 70_000, describe: () => describeDeployment(deployment) },
      );
      expect(rolloutStatus(deployment!)).toEqual({
        done: false,
        message: 'exceeded its progress deadline',
      });
      expect(deployment!.status!.availableReplicas ?? 0).toBe(0);

      // Its pod is in CrashLoopBackOff after a run that exited 1.
      let pods: V1Pod[] = [];
      const crashed = await waitFor(
        'a pod in CrashLoopBackOff whose last run exited 1',
        async () => {
          pods = await listPods(name);
          return pods.find(pod => {
            const container = pod.status?.containerStatuses?.[0];
            return (
              container?.state?.waiting?.reason === 'CrashLoopBackOff' &&
              container.restartCount > 0 &&
              container.lastState?.terminated?.exitCode === 1
            );
          });
        },
        { timeoutMs: 40_000, describe: () => describePods(pods) },
      );
      const container = crashed.status!.containerStatuses![0];
      expect(container.ready).toBe(false);
      expect(container.lastState!.terminated!.reason).toBe('Error');

      // The crashed run's log, through the API server and the node.
      const log = await core.readNamespacedPodLog({
        name: crashed.metadata!.name!,
        namespace,
        container: 'app',
        previous: true,
      });
      expect(typeof log).toBe('string');
      expect(log.trim()).not.toBe('');
      expect(log).toContain('exiting with status 1');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows ImagePullBackOff after ErrImagePull for an image that does not exist, with a Warning event',
    async () => {
      const name = uniqueName('pull');

      // Watch the pods from before they exist, to see every waiting reason in order.
      const reasons: string[] = [];
      let watchError: unknown;
      const watch = await new Watch(kubeConfig).watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: selectorOf(name) },
        (_phase, pod: V1Pod) => {
          const reason =
            pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
          if (reason && reasons[reasons.length - 1] !== reason) {
            reasons.push(reason);
          }
        },
        error => {
          watchError = error;
        },
      );
      cleanups.push(async () => watch.abort());

      await createDeployment(
        deploymentManifest(name, image('web', '9.9.9-pullfail'), {
          replicas: 1,
        }),
      );

      let pods: V1Pod[] = [];
      const pulling = await waitFor(
        'a pod in ImagePullBackOff',
        async () => {
          pods = await listPods(name);
          return pods.find(
            pod =>
              pod.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
              'ImagePullBackOff',
          );
        },
        { timeoutMs: 40_000, describe: () => describePods(pods) },
      );
      expect(pulling.status!.phase).toBe('Pending');
      expect(pulling.status!.containerStatuses![0].ready).toBe(false);

      await waitFor(
        'the watch to have seen ImagePullBackOff',
        async () => reasons.includes('ImagePullBackOff') || Boolean(watchError),
        { timeoutMs: 10_000 },
      );
      expect(watchError).toBeUndefined();
      const pullError = reasons.indexOf('ErrImagePull');
      expect(pullError).toBeGreaterThanOrEqual(0);
      expect(reasons.indexOf('ImagePullBackOff')).toBeGreaterThan(pullError);

      const podName = pulling.metadata!.name!;
      const warnings = await waitFor(
        `a Warning event for pod ${podName}`,
        async () => {
          const events = await core.listNamespacedEvent({
            namespace,
            fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${podName}`,
          });
          const found = events.items.filter(e => e.type === 'Warning');
          return found.length > 0 && found;
        },
        { timeoutMs: 20_000 },
      );
      expect(warnings.map(e => e.reason)).toContain('Failed');
      expect(warnings[0].involvedObject.uid).toBe(pulling.metadata!.uid);
    },
    TEST_TIMEOUT_MS,
  );
});
