import { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  TEST_LABEL,
  TEST_NAMESPACE,
  deleteAndWait,
  describePods,
  image,
  slipwayClients,
  uniqueName,
  waitFor,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { core, batch } = slipwayClients();
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

async function createJob(name: string, containerImage: string): Promise<V1Job> {
  cleanups.push(() =>
    deleteAndWait(
      `Job ${name}`,
      () =>
        batch.deleteNamespacedJob({
          name,
          namespace,
          propagationPolicy: 'Foreground',
          gracePeriodSeconds: 0,
        }),
      () => batch.readNamespacedJob({ name, namespace }),
    ),
  );
  return batch.createNamespacedJob({
    namespace,
    body: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace, labels: { [TEST_LABEL]: 'true' } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { [TEST_LABEL]: 'true' } },
          spec: {
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            containers: [
              { name: 'migrate', image: containerImage, command: ['migrate'] },
            ],
          },
        },
      },
    },
  });
}

/** Waits until one of the Job's conditions of the given types is True. */
async function waitForJobCondition(name: string, types: string[]) {
  let job: V1Job | undefined;
  return waitFor(
    `Job ${name} to get condition ${types.join(' or ')}`,
    async () => {
      job = await batch.readNamespacedJob({ name, namespace });
      const condition = job.status?.conditions?.find(
        c => types.includes(c.type) && c.status === 'True',
      );
      return condition && { job, condition };
    },
    {
      describe: () =>
        JSON.stringify({
          status: job?.status,
        }),
    },
  );
}

async function listJobPods(name: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace,
    labelSelector: `batch.kubernetes.io/job-name=${name}`,
  });
  return list.items;
}

describe('Jobs on the local cluster, as slipway-deployer', () => {
  it(
    'completes a Job whose process exits 0',
    async () => {
      const name = uniqueName('job-ok');
      await createJob(name, image('shop-migrate', '1.0'));

      const { job, condition } = await waitForJobCondition(name, [
        'Complete',
        'Failed',
      ]);
      expect(condition.type).toBe('Complete');
      expect(job.status!.succeeded).toBe(1);
      expect(job.status!.failed ?? 0).toBe(0);

      const pods = await listJobPods(name);
      expect(pods).toHaveLength(1);
      expect(pods[0].status!.phase).toBe('Succeeded');
      expect(
        pods[0].status!.containerStatuses![0].state!.terminated,
      ).toMatchObject({ exitCode: 0, reason: 'Completed' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails a Job whose process exits 1 (backoffLimit 0), with its log readable',
    async () => {
      const name = uniqueName('job-bad');
      await createJob(name, image('shop-migrate-fail', '1.0'));

      const { condition } = await waitForJobCondition(name, [
        'Failed',
        'FailureTarget',
        'Complete',
      ]);
      expect(['Failed', 'FailureTarget']).toContain(condition.type);
      expect(condition.reason).toBe('BackoffLimitExceeded');

      let pods: V1Pod[] = [];
      const failedPod = await waitFor(
        "the Job's pod to fail with exit code 1",
        async () => {
          pods = await listJobPods(name);
          return pods.find(
            pod =>
              pod.status?.phase === 'Failed' &&
              pod.status.containerStatuses?.[0]?.state?.terminated?.exitCode ===
                1,
          );
        },
        { timeoutMs: 20_000, describe: () => describePods(pods) },
      );
      expect(
        failedPod.status!.containerStatuses![0].state!.terminated!.reason,
      ).toBe('Error');

      const log = await core.readNamespacedPodLog({
        name: failedPod.metadata!.name!,
        namespace,
        container: 'migrate',
      });
      expect(typeof log).toBe('string');
      expect(log.trim()).not.toBe('');
      expect(log).toContain('exiting with status 1');
    },
    TEST_TIMEOUT_MS,
  );
});
