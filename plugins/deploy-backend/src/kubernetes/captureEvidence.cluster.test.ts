import { evaluateJob, evaluateRollout } from '@slipway/plugin-deploy-common';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import { captureEvidence } from './captureEvidence';
import {
  appPodSelector,
  formatLabelSelector,
} from './serviceObjects/slipwayLabels';
import { renderMigrationJob } from './serviceObjects/migrationJob';
import { renderServiceObjects } from './renderServiceObjects';
import {
  TEST_NAMESPACE,
  deleteObjects,
  describeOnCluster,
  loadSlipwayKubeConfig,
  serviceObjectRefs,
  testChannel,
  testService,
  uniqueServiceName,
  waitFor,
} from './__testUtils__/localCluster';

jest.setTimeout(90_000);

describeOnCluster('rollouts and their evidence on the local cluster', () => {
  const created: Array<{ apiVersion: string; kind: string; name: string }> = [];
  let client: KubernetesClusterClient;

  beforeAll(() => {
    client = KubernetesClusterClient.create(loadSlipwayKubeConfig());
  });

  afterAll(async () => {
    await deleteObjects(created);
  });

  /** The pods of the Deployment's current revision, as the worker finds them. */
  async function newRevisionPods(name: string) {
    const deployment = await client.getDeployment(TEST_NAMESPACE, name);
    const revision =
      deployment?.metadata?.annotations?.['deployment.kubernetes.io/revision'];
    const selector = formatLabelSelector(appPodSelector(name, 'dev'));
    const replicaSet = (
      await client.listReplicaSets(TEST_NAMESPACE, selector)
    ).find(
      rs =>
        rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ===
        revision,
    );
    const hash = replicaSet?.metadata?.labels?.['pod-template-hash'];
    const pods = hash
      ? await client.listPods(
          TEST_NAMESPACE,
          `${selector},pod-template-hash=${hash}`,
        )
      : [];
    return { deployment, hash, pods };
  }

  it('rolls out a healthy version, then captures a crash loop with its exit code and previous logs', async () => {
    const name = uniqueServiceName('rollout');
    created.push(...serviceObjectRefs(name));
    const service = testService(name, { replicas: 2 });
    const selector = formatLabelSelector(appPodSelector(name, 'dev'));

    await client.applyObjects(
      renderServiceObjects(
        service,
        testChannel(),
        TEST_NAMESPACE,
        '1.0.0',
        'd1',
      ),
    );
    const healthy = await waitFor(
      'the healthy rollout to complete',
      async () => {
        const { deployment, pods } = await newRevisionPods(name);
        const verdict = deployment && evaluateRollout(deployment, { pods });
        return verdict?.state === 'complete' && verdict;
      },
    );
    expect(healthy.message).toBe(`${name} successfully rolled out`);

    await client.applyObjects(
      renderServiceObjects(
        service,
        testChannel(),
        TEST_NAMESPACE,
        'crashloop-2.0.0',
        'd2',
      ),
    );
    const failed = await waitFor(
      'the crash-looping rollout to fail early',
      async () => {
        const { deployment, pods, hash } = await newRevisionPods(name);
        const verdict =
          deployment &&
          evaluateRollout(deployment, { pods, crashLoopRestartThreshold: 1 });
        return verdict?.state === 'failed' && { verdict, hash };
      },
    );
    expect(failed.verdict.reason).toBe('CrashLoopBackOff');

    const evidence = await captureEvidence(client, {
      kind: 'rollout',
      namespace: TEST_NAMESPACE,
      labelSelector: selector,
      podTemplateHash: failed.hash,
      objectNames: [name],
    });

    expect(evidence.pods.length).toBeGreaterThan(0);
    // Only the new revision's pods, not the healthy old ones.
    const containers = evidence.pods.flatMap(p => p.containers);
    expect(containers.every(c => c.image.endsWith(':crashloop-2.0.0'))).toBe(
      true,
    );
    const crashed = containers.find(c => c.restartCount > 0)!;
    expect(crashed.lastTerminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(crashed.previousLogs).toContain('fatal: exiting with status 1');
    expect(evidence.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'BackOff', type: 'Warning' }),
      ]),
    );
  });

  it('captures a failed migration Job with its exit code and logs', async () => {
    const name = uniqueServiceName('migrate');
    const service = testService(name, {
      migration: { command: ['migrate'], timeoutSeconds: 60, retries: 0 },
    });
    const job = renderMigrationJob(
      service,
      testChannel(),
      TEST_NAMESPACE,
      'fail-3.0.0',
      'd3',
    );
    const jobName = job.metadata!.name!;
    created.push(
      { apiVersion: 'batch/v1', kind: 'Job', name: jobName },
      { apiVersion: 'v1', kind: 'ServiceAccount', name },
    );

    // The Job's pods run as the service's account, applied first as the worker does.
    const [serviceAccount] = renderServiceObjects(
      service,
      testChannel(),
      TEST_NAMESPACE,
      'fail-3.0.0',
    );
    await client.applyObjects([serviceAccount]);
    await client.createJob(job);
    const verdict = await waitFor('the migration Job to fail', async () => {
      const current = await client.getJob(TEST_NAMESPACE, jobName);
      const pods = await client.listPods(TEST_NAMESPACE, `job-name=${jobName}`);
      const judged = current && evaluateJob(current, pods);
      return judged?.state === 'failed' && judged;
    });
    expect(verdict.reason).toBeDefined();

    const evidence = await captureEvidence(client, {
      kind: 'migration',
      namespace: TEST_NAMESPACE,
      labelSelector: `job-name=${jobName}`,
      objectNames: [jobName],
    });
    const container = evidence.pods[0].containers[0];
    expect(container).toMatchObject({
      name: 'migrate',
      state: 'terminated',
      exitCode: 1,
    });
    expect(container.logs).toContain('migration 0003_add_index failed');
    expect(container).not.toHaveProperty('previousLogs');
    expect(evidence.events.map(e => e.object)).toContain(`Job/${jobName}`);
  });
});
