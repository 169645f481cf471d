import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import { RolloutChange, RolloutWatcher } from './RolloutWatcher';
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

/**
 * The local cluster's kubeconfig, counting the requests made through it:
 * every API call passes its authentication hook, every watch its fetch options.
 */
class CountingKubeConfig extends KubeConfig {
  readonly calls: string[] = [];
  watches = 0;

  override async applySecurityAuthentication(
    context: Parameters<KubeConfig['applySecurityAuthentication']>[0],
  ) {
    const url = new URL(context.getUrl());
    this.calls.push(`${context.getHttpMethod()} ${url.pathname}`);
    return super.applySecurityAuthentication(context);
  }

  override async applyToFetchOptions(
    options: Parameters<KubeConfig['applyToFetchOptions']>[0],
  ) {
    this.watches += 1;
    return super.applyToFetchOptions(options);
  }
}

describeOnCluster('RolloutWatcher on the local cluster', () => {
  const created: Array<{ apiVersion: string; kind: string; name: string }> = [];
  let kubeConfig: CountingKubeConfig;
  let watcher: RolloutWatcher;
  let client: KubernetesClusterClient;

  beforeAll(() => {
    kubeConfig = new CountingKubeConfig();
    kubeConfig.loadFromFile(process.env.SLIPWAY_KUBECONFIG!);
    watcher = RolloutWatcher.create({
      clusters: new Map([['local', kubeConfig]]),
      logger: mockServices.logger.mock(),
    });
    // Set-up and changes go through another kubeconfig, so only the
    // watcher's own requests are counted.
    client = KubernetesClusterClient.create(loadSlipwayKubeConfig());
  });

  afterAll(async () => {
    await watcher?.stop();
    await deleteObjects(created);
  });

  const statusOf = (name: string) =>
    watcher.getChannelStatus('local', TEST_NAMESPACE, name, 'dev');

  /** Polls the watcher (its cache, not the API server) until the health is reached. */
  const waitForHealth = (name: string, health: string) =>
    waitFor(`${name} to be ${health}`, async () => {
      const status = await statusOf(name);
      return status.health === health && status;
    });

  const deploy = (service: ReturnType<typeof testService>, version: string) =>
    client.applyObjects(
      renderServiceObjects(service, testChannel(), TEST_NAMESPACE, version),
    );

  it('serves any number of lookups from one list and one watch per kind', async () => {
    const name = uniqueServiceName('watch');
    created.push(...serviceObjectRefs(name));
    await deploy(testService(name, { replicas: 2 }), '1.0.0');

    // Pages opening at the same moment share one start.
    const first = await Promise.all(
      Array.from({ length: 10 }, () => statusOf(name)),
    );
    expect(first).toHaveLength(10);
    expect(kubeConfig.calls.sort()).toEqual([
      `GET /api/v1/namespaces/${TEST_NAMESPACE}/pods`,
      `GET /apis/apps/v1/namespaces/${TEST_NAMESPACE}/deployments`,
    ]);
    expect(kubeConfig.watches).toBe(2);

    const healthy = await waitForHealth(name, 'Healthy');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        statusOf(i % 2 ? name : `other-${i}`),
      ),
    );

    expect(kubeConfig.calls).toHaveLength(2);
    expect(kubeConfig.watches).toBe(2);
    expect(healthy).toMatchObject({
      channel: 'dev',
      desiredVersion: '1.0.0',
      runningVersion: '1.0.0',
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      message: `${name} successfully rolled out`,
    });
    expect(healthy.conditions.map(c => c.type)).toContain('Available');
    expect(healthy.pods).toHaveLength(2);
    expect(healthy.pods[0]).toMatchObject({
      phase: 'Running',
      version: '1.0.0',
      ready: true,
      containers: [{ name: 'app', state: 'running', restartCount: 0 }],
    });
  });

  it('tells subscribers about changes and judges a failing rollout from the cache', async () => {
    const name = uniqueServiceName('degrade');
    created.push(...serviceObjectRefs(name));
    const service = testService(name, { replicas: 1 });
    const changes: RolloutChange[] = [];
    const unsubscribe = watcher.subscribe(change => changes.push(change));

    await deploy(service, '1.0.0');
    await waitForHealth(name, 'Healthy');
    await deploy(service, 'pullfail-2.0.0');
    const degraded = await waitForHealth(name, 'Degraded');
    unsubscribe();

    expect(changes).toContainEqual({
      cluster: 'local',
      namespace: TEST_NAMESPACE,
      serviceName: name,
      channel: 'dev',
    });
    expect(degraded).toMatchObject({
      desiredVersion: 'pullfail-2.0.0',
      // The old pod keeps serving until the new one is ready.
      runningVersion: '1.0.0',
    });
    expect(degraded.message).toContain('ImagePullBackOff');
    expect(
      degraded.pods.flatMap(p => p.containers).map(c => c.reason),
    ).toContain('ImagePullBackOff');
  });

  it('reports a service without a Deployment as Missing', async () => {
    const status = await statusOf(uniqueServiceName('missing'));
    expect(status).toMatchObject({ health: 'Missing', pods: [] });
    expect(status.error).toBeUndefined();
  });

  it('returns a namespace it may not read and an unknown cluster as data', async () => {
    const forbidden = await watcher.getChannelStatus(
      'local',
      'kube-system',
      'checkout',
      'dev',
    );
    expect(forbidden.health).toBe('Missing');
    expect(forbidden.error).toMatch(
      /may not list and watch (pods|deployments\.apps) in namespace "kube-system"/,
    );

    const unknown = await watcher.getChannelStatus(
      'nowhere',
      TEST_NAMESPACE,
      'checkout',
      'dev',
    );
    expect(unknown.error).toContain('Cluster "nowhere" is not configured');
  });
});
