// Kubernetes access under faults: the cluster client and the rollout watcher
// talk to the local cluster's real API server through a proxy that hangs,
// fails, resets, drops watches, goes down or black-holes on demand, and the
// status route answers in time whatever one of its clusters does.
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ChannelStatus } from '@slipway/plugin-deploy-common';
import request from 'supertest';
import { catalogOfComponents } from '../__testUtils__/catalogOfComponents';
import { FaultProxy } from '../__testUtils__/faultProxy';
import { deployPlugin } from '../plugin';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import { RolloutWatcher, RolloutWatcherOptions } from './RolloutWatcher';
import { ClusterError } from './kubernetesErrors';
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

jest.setTimeout(120_000);

/** What the deploy engine never retries (DeploymentRunner's permanent codes). */
const PERMANENT_STATUS_CODES = [400, 403, 404, 409, 422];

function expectTransient(error: unknown) {
  expect(error).toBeInstanceOf(ClusterError);
  expect(PERMANENT_STATUS_CODES).not.toContain(
    (error as ClusterError).statusCode,
  );
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describeOnCluster('Kubernetes access under faults', () => {
  const created: Array<{ apiVersion: string; kind: string; name: string }> = [];
  /** Figures the tests measured, printed at the end. */
  const figures: string[] = [];
  let proxy: FaultProxy;
  const direct = KubernetesClusterClient.create(loadSlipwayKubeConfig());

  beforeAll(async () => {
    proxy = await FaultProxy.start(loadSlipwayKubeConfig());
  });

  afterEach(async () => {
    await proxy.heal();
  });

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(
      `Faults injected by the proxy: ${proxy?.report()}\n${figures.join('\n')}`,
    );
    await proxy?.close();
    await deleteObjects(created);
  });

  const deploy = (service: ReturnType<typeof testService>, version: string) =>
    direct.applyObjects(
      renderServiceObjects(service, testChannel(), TEST_NAMESPACE, version),
    );

  const watcherThroughProxy = (options: RolloutWatcherOptions = {}) =>
    RolloutWatcher.create({
      clusters: new Map([['faulty', proxy.kubeConfig()]]),
      logger: mockServices.logger.mock(),
      retryDelay: { initialMs: 200, maxMs: 2_000 },
      ...options,
    });

  const waitForStatus = (
    watcher: RolloutWatcher,
    name: string,
    what: string,
    check: (status: ChannelStatus) => boolean,
  ) =>
    waitFor(
      `${name} ${what}`,
      async () => {
        const status = await watcher.getChannelStatus(
          'faulty',
          TEST_NAMESPACE,
          name,
          'dev',
        );
        return check(status) && status;
      },
      60_000,
    );

  const runs = (version: string) => (status: ChannelStatus) =>
    !status.error &&
    status.health === 'Healthy' &&
    status.runningVersion === version;

  describe('the cluster client', () => {
    let client: KubernetesClusterClient;

    beforeAll(() => {
      client = KubernetesClusterClient.create(proxy.kubeConfig(), {
        clusterName: 'faulty',
        requestTimeoutMs: 1_500,
        logTimeoutMs: 3_000,
      });
    });

    it('gives up on a hung request after the configured time, closing its connection, as a transient error naming the call', async () => {
      await proxy.inject({ kind: 'hang' });
      const [error, ms] = await timed(() =>
        client.getDeployment(TEST_NAMESPACE, 'checkout').catch(e => e),
      );
      expect(ms).toBeGreaterThanOrEqual(1_400);
      expect(ms).toBeLessThan(2_500);
      expectTransient(error);
      expect(error.status).toBe(503);
      expect(error.message).toBe(
        `Cluster "faulty" did not answer in time to get deployments.apps checkout in namespace "${TEST_NAMESPACE}" (timed out after 1.5s): it is unreachable or overloaded; try again shortly`,
      );
      // The request was aborted, not just abandoned: its connection is gone.
      await waitFor('the aborted connection to close', async () =>
        proxy.openConnections === 0 ? true : undefined,
      );

      // Applying goes through another client-node API (discovery, then a
      // server-side apply patch); it is bounded the same way.
      const [applyError, applyMs] = await timed(() =>
        client
          .applyObjects(
            renderServiceObjects(
              testService(uniqueServiceName('hung')),
              testChannel(),
              TEST_NAMESPACE,
              '1.0.0',
            ),
          )
          .catch(e => e),
      );
      expect(applyMs).toBeLessThan(2_500);
      expectTransient(applyError);
      expect(applyError.message).toContain('timed out after 1.5s');
      figures.push(
        `hung get: failed after ${ms} ms; hung apply: after ${applyMs} ms (limit 1500 ms)`,
      );
    });

    it('lets a slow answer within the limit through, and gives up on a slower one', async () => {
      await proxy.inject({ kind: 'slow', delayMs: 500 });
      const [pods, slowMs] = await timed(() =>
        client.listPods(TEST_NAMESPACE, 'app=none'),
      );
      expect(pods).toEqual([]);
      await proxy.inject({ kind: 'slow', delayMs: 2_500 });
      const [error, slowerMs] = await timed(() =>
        client.listPods(TEST_NAMESPACE, 'app=none').catch(e => e),
      );
      expectTransient(error);
      expect(error.message).toContain('timed out after 1.5s');
      expect(slowerMs).toBeLessThan(2_500);
      figures.push(
        `slow answers: 500 ms late answered in ${slowMs} ms; 2500 ms late failed after ${slowerMs} ms`,
      );
    });

    it('gives a pod log read its own, longer budget', async () => {
      await proxy.inject({ kind: 'hang' });
      const [error, ms] = await timed(() =>
        client.readPodLog(TEST_NAMESPACE, 'web-0', 'app').catch(e => e),
      );
      expect(ms).toBeGreaterThanOrEqual(2_900);
      expect(ms).toBeLessThan(4_000);
      expectTransient(error);
      expect(error.message).toContain(
        'get pods/log web-0 in namespace "slipway-dev" (timed out after 3s)',
      );
      figures.push(`hung log read: failed after ${ms} ms (limit 3000 ms)`);
    });

    it('reports 5xx answers and reset connections as transient errors, and only those calls fail', async () => {
      await proxy.inject({ kind: 'errors', probability: 1 });
      const answered = await client
        .listPods(TEST_NAMESPACE, 'app=none')
        .catch(e => e);
      expectTransient(answered);
      expect(answered.statusCode).toBe(503);

      await proxy.inject({ kind: 'resets', probability: 1 });
      const reset = await client
        .listPods(TEST_NAMESPACE, 'app=none')
        .catch(e => e);
      expectTransient(reset);
      expect(reset.status).toBe(503);
      expect(reset.message).toBe(
        `Could not reach cluster "faulty" to list pods in namespace "${TEST_NAMESPACE}"`,
      );

      // A sick cluster: a third of the calls fail one way or the other.
      const calls = 60;
      const before = { ...proxy.injected };
      let failed = 0;
      for (let i = 0; i < calls; i++) {
        await proxy.inject(
          i % 2
            ? { kind: 'errors', probability: 1 / 3, status: 500 + (i % 5) }
            : { kind: 'resets', probability: 1 / 3 },
        );
        const result = await client
          .listPods(TEST_NAMESPACE, 'app=none')
          .catch(e => e);
        if (!Array.isArray(result)) {
          expectTransient(result);
          failed += 1;
        }
      }
      const injected =
        proxy.injected.errors -
        before.errors +
        (proxy.injected.resets - before.resets);
      expect(failed).toBe(injected);
      figures.push(
        `mixed run: ${calls} calls, ${failed} failed, all transient; ${injected} faults injected`,
      );
    });
  });

  describe('the rollout watcher', () => {
    let watcher: RolloutWatcher;
    const name = uniqueServiceName('faults');
    const service = testService(name, { replicas: 1 });

    beforeAll(async () => {
      created.push(...serviceObjectRefs(name));
      watcher = watcherThroughProxy({ requestTimeoutMs: 2_000 });
      await deploy(service, '1.0.0');
      await waitForStatus(watcher, name, 'to run 1.0.0', runs('1.0.0'));
    });

    afterAll(async () => {
      await watcher?.stop();
    });

    const requestsSince = (index: number) =>
      proxy.requests
        .slice(index)
        .filter(r => r.path.includes(`/namespaces/${TEST_NAMESPACE}/`));

    it('follows changes through dropped watches, resuming each from the last resourceVersion without listing again', async () => {
      const from = proxy.requests.length;
      const dropped = proxy.injected.watchesDropped;
      await proxy.inject({ kind: 'dropWatches', afterMs: 300 });
      await deploy(service, '1.1.0');
      await waitForStatus(watcher, name, 'to run 1.1.0', runs('1.1.0'));
      await waitFor('a few more drops', async () =>
        proxy.injected.watchesDropped - dropped >= 6 ? true : undefined,
      );

      const requests = requestsSince(from);
      expect(requests.filter(r => !r.watch)).toEqual([]);
      expect(requests.every(r => r.resourceVersion)).toBe(true);
      figures.push(
        `dropped watches: ${proxy.injected.watchesDropped - dropped} dropped, ${
          requests.length
        } resumed, 0 lists`,
      );
    });

    it('keeps its resourceVersion current with bookmarks, so each watch the server ends resumes from there without a list', async () => {
      const own = await FaultProxy.start(loadSlipwayKubeConfig());
      const renewing = RolloutWatcher.create({
        clusters: new Map([['faulty', own.kubeConfig()]]),
        logger: mockServices.logger.mock(),
        // The API server bookmarks 2s before a watch's end, when the version moved.
        watchTimeoutSeconds: 6,
      });
      const bystander = uniqueServiceName('bystander');
      created.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: bystander,
      });
      try {
        await waitForStatus(renewing, name, 'to run 1.1.0', runs('1.1.0'));
        // Pods Slipway does not manage come and go: the watch is sent none
        // of them, but its bookmark carries the version past them.
        await direct.applyObjects([
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: bystander, namespace: TEST_NAMESPACE },
            spec: {
              replicas: 2,
              selector: { matchLabels: { app: bystander } },
              template: {
                metadata: { labels: { app: bystander } },
                spec: {
                  containers: [
                    {
                      name: 'app',
                      image: `registry.local/x/${bystander}:1.0.0`,
                    },
                  ],
                },
              },
            },
          },
        ]);
        const isPods = (path: string) => path.endsWith('/pods');
        const bookmark = await waitFor(
          'a bookmark on the pod watch',
          async () => own.bookmarks.find(b => isPods(b.path)),
        );
        const resumed = await waitFor('the pod watch to resume', async () =>
          own.requests
            .slice(bookmark.requestsBefore)
            .find(r => r.watch && isPods(r.path)),
        );
        const podWatches = own.requests.filter(r => r.watch && isPods(r.path));
        expect(
          podWatches.every(r => r.query.get('allowWatchBookmarks') === 'true'),
        ).toBe(true);
        expect(Number(resumed.resourceVersion)).toBeGreaterThanOrEqual(
          Number(bookmark.resourceVersion),
        );
        expect(Number(resumed.resourceVersion)).toBeGreaterThan(
          Number(podWatches[0].resourceVersion),
        );
        // One list per kind, at the start; never again.
        expect(own.requests.filter(r => !r.watch)).toHaveLength(2);
        figures.push(
          `bookmarks: ${
            own.bookmarks.length
          }; pod watches resumed from ${podWatches
            .map(r => r.resourceVersion)
            .join(' → ')}; 2 lists in all`,
        );
      } finally {
        await renewing.stop();
        await own.close();
      }
    });

    it('lists afresh when a resumed watch is answered 410 Gone, and keeps following changes', async () => {
      const from = proxy.requests.length;
      const gone = proxy.injected.gone;
      await proxy.inject({ kind: 'dropWatches', afterMs: 300, gone: true });
      await deploy(service, '1.2.0');
      await waitForStatus(watcher, name, 'to run 1.2.0', runs('1.2.0'));
      // Both ways of saying 410: an HTTP status, and an ERROR event.
      await waitFor('410s in both forms', async () =>
        proxy.injected.gone - gone >= 4 ? true : undefined,
      );
      await proxy.heal();
      await deploy(service, '1.3.0');
      await waitForStatus(watcher, name, 'to run 1.3.0', runs('1.3.0'));

      const lists = requestsSince(from).filter(r => !r.watch).length;
      expect(lists).toBeGreaterThanOrEqual(proxy.injected.gone - gone);
      figures.push(
        `410 Gone: ${
          proxy.injected.gone - gone
        } answered, ${lists} lists after them`,
      );
    });

    it('says the cluster is unreachable while it is down, and catches up by itself once it is back', async () => {
      await proxy.inject({ kind: 'down' });
      const downAt = Date.now();
      const unreachable = await waitForStatus(
        watcher,
        name,
        'to be unreadable',
        status => !!status.error,
      );
      expect(unreachable.message).toBe('Cluster "faulty" could not be read');
      expect(unreachable.error).toMatch(
        /^Could not reach cluster "faulty" to list and watch (pods|deployments\.apps) in namespace "slipway-dev"$/,
      );
      const detectedMs = Date.now() - downAt;
      await deploy(service, '1.4.0');
      await sleep(4_000);

      await proxy.heal();
      const upAt = Date.now();
      await waitForStatus(watcher, name, 'to run 1.4.0', runs('1.4.0'));
      figures.push(
        `down for ${
          upAt - downAt
        } ms: reported after ${detectedMs} ms, caught up ${
          Date.now() - upAt
        } ms after it came back (backoff capped at 2000 ms)`,
      );
    });

    it('notices a watch that fell silent, and recovers when the cluster answers again', async () => {
      // Watches the server ends every 2s: silence past 3s means it is gone.
      const quick = watcherThroughProxy({
        requestTimeoutMs: 1_000,
        watchTimeoutSeconds: 2,
        retryDelay: { initialMs: 200, maxMs: 1_000 },
      });
      try {
        await waitForStatus(quick, name, 'to run 1.4.0', runs('1.4.0'));
        await proxy.inject({ kind: 'blackHole' });
        const [silent, detectedMs] = await timed(() =>
          waitForStatus(quick, name, 'to be unreadable', s => !!s.error),
        );
        expect(silent.error).toMatch(
          /^Cluster "faulty" did not answer in time to list and watch (pods|deployments\.apps) in namespace "slipway-dev" \(timed out\)/,
        );
        expect(detectedMs).toBeLessThan(6_000);

        // While it is known to be broken, each look is told at once.
        const [again, lookMs] = await timed(() =>
          quick.getChannelStatus('faulty', TEST_NAMESPACE, name, 'dev'),
        );
        expect(again.error).toContain('Cluster "faulty"');
        expect(lookMs).toBeLessThan(100);

        await proxy.heal();
        const [, recoveredMs] = await timed(() =>
          waitForStatus(quick, name, 'to run 1.4.0 again', runs('1.4.0')),
        );
        figures.push(
          `black hole under a synced watcher: noticed after ${detectedMs} ms, a look then took ${lookMs} ms, recovered ${recoveredMs} ms after healing`,
        );
      } finally {
        await quick.stop();
      }
    });

    it('answers the first look at a black-holed cluster within its wait, naming the cluster', async () => {
      await proxy.inject({ kind: 'blackHole' });
      const fresh = watcherThroughProxy({
        requestTimeoutMs: 10_000,
        syncWaitMs: 1_500,
      });
      try {
        const [status, ms] = await timed(() =>
          fresh.getChannelStatus('faulty', TEST_NAMESPACE, name, 'dev'),
        );
        expect(ms).toBeLessThan(2_000);
        expect(status).toMatchObject({
          health: 'Missing',
          message: 'Cluster "faulty" could not be read',
        });
        expect(status.error).toBe(
          `Cluster "faulty" did not answer within 1.5s to list Slipway's deployments and pods in namespace "${TEST_NAMESPACE}": it is unreachable or slow; try again shortly`,
        );
        figures.push(`first look at a black hole: answered in ${ms} ms`);
      } finally {
        await fresh.stop();
      }
    });

    it('stops watching a namespace no one looked at for its idle time, and every namespace on stop()', async () => {
      // A proxy of its own, so that only these watchers' connections count.
      const own = await FaultProxy.start(loadSlipwayKubeConfig());
      const watcherOf = (idleTimeoutMs?: number) =>
        RolloutWatcher.create({
          clusters: new Map([['faulty', own.kubeConfig()]]),
          logger: mockServices.logger.mock(),
          idleTimeoutMs,
        });
      const noConnections = () =>
        waitFor('the watches to close', async () =>
          own.openConnections === 0 ? true : undefined,
        );
      const idle = watcherOf(1_000);
      const busy = watcherOf();
      try {
        await waitForStatus(idle, name, 'to run 1.4.0', runs('1.4.0'));
        // Its two watches (pods, Deployments), at least.
        expect(own.openConnections).toBeGreaterThanOrEqual(2);
        await noConnections();

        await waitForStatus(busy, name, 'to run 1.4.0', runs('1.4.0'));
        expect(own.openConnections).toBeGreaterThanOrEqual(2);
        await busy.stop();
        await noConnections();
      } finally {
        await idle.stop();
        await busy.stop();
        await own.close();
      }
    });
  });

  describe('the status route', () => {
    let blackHoled: FaultProxy;
    let refusing: FaultProxy;

    beforeAll(async () => {
      blackHoled = await FaultProxy.start(loadSlipwayKubeConfig());
      refusing = await FaultProxy.start(loadSlipwayKubeConfig());
    });

    afterAll(async () => {
      // eslint-disable-next-line no-console
      console.log(
        `Status route proxies: black-holed ${blackHoled?.report()}; refusing ${refusing?.report()}`,
      );
      await blackHoled?.close();
      await refusing?.close();
    });

    it('answers in time when a cluster is black-holed and another refuses, saying per channel which', async () => {
      const { server } = await startTestBackend({
        features: [
          catalogOfComponents().factory,
          deployPlugin,
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          mockServices.rootConfig.factory({
            data: {
              deploy: {
                kubernetes: { requestTimeoutSeconds: 3 },
                clusters: [
                  {
                    name: 'local',
                    kubeconfigPath: process.env.SLIPWAY_KUBECONFIG,
                  },
                  {
                    name: 'blackholed',
                    kubeconfigPath: blackHoled.writeKubeconfig(),
                  },
                  {
                    name: 'refusing',
                    kubeconfigPath: refusing.writeKubeconfig(),
                  },
                ],
                channels: [
                  { name: 'dev', cluster: 'local' },
                  { name: 'staging', cluster: 'blackholed' },
                  { name: 'prod', cluster: 'refusing' },
                ],
              },
            },
          }),
        ],
      });
      const name = uniqueServiceName('route');
      const alice = mockCredentials.user.header('user:default/alice');
      const registered = await request(server)
        .post('/api/deploy/services')
        .set('Authorization', alice)
        .send({
          name,
          entityRef: `component:default/${name}`,
          spec: {
            image: `registry.local/shop/${name}`,
            port: 8080,
            channels: {
              dev: { replicas: 1 },
              staging: { replicas: 1 },
              prod: { replicas: 1 },
            },
          },
        });
      expect(registered.status).toBe(201);
      await blackHoled.inject({ kind: 'blackHole' });
      await refusing.inject({ kind: 'down' });

      const status = () =>
        request(server)
          .get(`/api/deploy/services/${name}/status`)
          .set('Authorization', alice);
      const [first, firstMs] = await timed(status);
      expect(first.status).toBe(200);
      const byChannel = Object.fromEntries(
        first.body.channels.map((c: ChannelStatus) => [c.channel, c]),
      );
      expect(byChannel.dev).toMatchObject({ health: 'Missing' });
      expect(byChannel.dev.error).toBeUndefined();
      expect(byChannel.staging.message).toBe(
        'Cluster "blackholed" could not be read',
      );
      expect(byChannel.staging.error).toMatch(
        /^Cluster "blackholed" did not answer (in time to list and watch|within)/,
      );
      expect(byChannel.prod.message).toBe(
        'Cluster "refusing" could not be read',
      );
      expect(byChannel.prod.error).toMatch(
        /^Could not reach cluster "refusing"/,
      );
      // Well inside the route's 20s deadline: the first list's time limit.
      expect(firstMs).toBeLessThan(5_000);

      // Known to be unreachable now: the next look answers at once.
      const [second, secondMs] = await timed(status);
      expect(second.status).toBe(200);
      expect(secondMs).toBeLessThan(1_000);
      figures.push(
        `status route with a black-holed and a refusing cluster: ${firstMs} ms, then ${secondMs} ms`,
        `  staging: ${byChannel.staging.error}`,
        `  prod: ${byChannel.prod.error}`,
      );
    });
  });
});
