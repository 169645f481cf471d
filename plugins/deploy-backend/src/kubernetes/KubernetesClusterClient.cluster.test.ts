import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import { ClusterError } from './kubernetesErrors';
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
} from './__testUtils__/localCluster';

jest.setTimeout(60_000);

describeOnCluster('KubernetesClusterClient on the local cluster', () => {
  let kubeConfig: KubeConfig;
  let client: KubernetesClusterClient;
  const created: Array<{ apiVersion: string; kind: string; name: string }> = [];

  beforeAll(() => {
    kubeConfig = loadSlipwayKubeConfig();
    client = KubernetesClusterClient.create(kubeConfig);
  });

  afterAll(async () => {
    await deleteObjects(created);
  });

  it('applies a service by server-side apply, again without change, and patches its image', async () => {
    const name = uniqueServiceName('apply');
    created.push(...serviceObjectRefs(name));
    const service = testService(name);
    const objects = renderServiceObjects(
      service,
      testChannel(),
      TEST_NAMESPACE,
      '1.0.0',
      'dep-1',
    );

    const first = await client.applyObjects(objects);
    expect(first.map(o => o.kind)).toEqual([
      'ServiceAccount',
      'Service',
      'Deployment',
    ]);
    const again = await client.applyObjects(objects);
    expect(again[2].metadata!.generation).toBe(first[2].metadata!.generation);
    expect(
      again[2].metadata!.managedFields!.some(
        f => f.manager === 'slipway' && f.operation === 'Apply',
      ),
    ).toBe(true);

    const image = `registry.local/shop/${name}:1.0.1`;
    const patched = await client.setDeploymentImage(
      TEST_NAMESPACE,
      name,
      image,
      'dep-2',
    );
    const repatched = await client.setDeploymentImage(
      TEST_NAMESPACE,
      name,
      image,
      'dep-2',
    );
    expect(repatched.metadata!.generation).toBe(patched.metadata!.generation);
    const deployment = await client.getDeployment(TEST_NAMESPACE, name);
    expect(deployment!.spec!.template.spec!.containers[0].image).toBe(image);
    expect(deployment!.metadata!.annotations).toMatchObject({
      'slipway.dev/deployment-id': 'dep-2',
      'slipway.dev/version': '1.0.1',
    });
    expect(
      deployment!.spec!.template.metadata!.labels!['app.kubernetes.io/version'],
    ).toBe('1.0.1');
  });

  it('reads what is missing as undefined', async () => {
    await expect(
      client.getDeployment(TEST_NAMESPACE, uniqueServiceName('missing')),
    ).resolves.toBeUndefined();
    await expect(
      client.getJob(TEST_NAMESPACE, uniqueServiceName('missing')),
    ).resolves.toBeUndefined();
  });

  it('creates a migration Job once, however often it is asked', async () => {
    const name = uniqueServiceName('job');
    const service = testService(name, {
      migration: { command: ['migrate'], timeoutSeconds: 60, retries: 0 },
    });
    const job = renderMigrationJob(
      service,
      testChannel(),
      TEST_NAMESPACE,
      '1.0.0',
      'dep-42',
    );
    created.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: job.metadata!.name!,
    });

    const first = await client.createJob(job);
    const second = await client.createJob(job);

    expect(second.metadata!.uid).toBe(first.metadata!.uid);
    const fetched = await client.getJob(TEST_NAMESPACE, job.metadata!.name!);
    expect(fetched!.metadata!.uid).toBe(first.metadata!.uid);
  });

  it('says which verb, resource and namespace the service account may not use', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'not-allowed', namespace: TEST_NAMESPACE },
      stringData: { password: 'x' },
    };
    const secretError = await client.applyObjects([secret]).catch(e => e);
    // Slipway's own account lacking a right is the platform's problem (502),
    // never the caller's 403; what the API server said stays in `detail`.
    expect(secretError).toBeInstanceOf(ClusterError);
    expect(secretError.status).toBe(502);
    expect(secretError.message).toContain(
      `may not patch secrets not-allowed in namespace "${TEST_NAMESPACE}"`,
    );
    expect(secretError.message).not.toContain('system:serviceaccount');
    expect(secretError.detail).toContain('system:serviceaccount');

    const otherNamespace = await client
      .getDeployment('kube-system', 'coredns')
      .catch(e => e);
    expect(otherNamespace).toBeInstanceOf(ClusterError);
    expect(otherNamespace.message).toContain(
      'may not get deployments.apps coredns in namespace "kube-system"',
    );
    expect(otherNamespace.message).toContain(
      'grant "get" on "deployments.apps"',
    );

    const podsElsewhere = await client
      .listPods('default', 'app=x')
      .catch(e => e);
    expect(podsElsewhere.message).toContain(
      'may not list pods in namespace "default"',
    );
  });
});
