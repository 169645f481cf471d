// A flaky API server, end to end: the plugin in a test backend, on
// PostgreSQL (SQLite where there is none), deploys through a proxy in front
// of the local cluster's real API server that fails, resets, slows, hangs and
// drops watches by turns, goes down for a minute mid-rollout, or black-holes.
// Every deployment must end with its right status within bounds, and the
// status route must answer in time throughout and show the truth once the
// faults stop; the figures are printed at the end. Pods follow the version
// (tools/local-cluster/README.md): "1.0.0" is healthy, "-slowNs" is ready
// after N s, "-crashloop" crashes.
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AppsV1Api } from '@kubernetes/client-node';
import {
  ChannelStatus,
  DeploymentDetails,
  DeploymentStatus,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import request from 'supertest';
import { catalogOfComponents } from '../__testUtils__/catalogOfComponents';
import { FaultProxy, InjectedFaults } from '../__testUtils__/faultProxy';
import {
  describeOnCluster,
  loadSlipwayKubeConfig,
  uniqueServiceName,
  waitFor,
} from '../kubernetes/__testUtils__/localCluster';
import { deployPlugin } from '../plugin';
import { deleteServiceObjects } from './__testUtils__/deleteServiceObjects';
import { FaultPhase, FlakyFaultCycle } from './__testUtils__/flakyFaultCycle';

jest.setTimeout(240_000);

const alice = mockCredentials.user.header('user:default/alice');

/** deploy.kubernetes.requestTimeoutSeconds: a hung call ends this soon. */
const REQUEST_TIMEOUT_SECONDS = 3;
/** The status route answers within this, whatever its cluster does. */
const STATUS_ROUTE_LIMIT_MS = 10_000;
const CHANNELS = ['dev', 'staging'] as const;
type Channel = (typeof CHANNELS)[number];
const NAMESPACES: Record<Channel, string> = {
  dev: 'slipway-dev',
  staging: 'slipway-staging',
};

/**
 * A sick API server, one symptom after another: a fifth of the requests
 * answered 5xx, then a fifth reset, answers 1.5s late, watches cut short
 * and their resumption answered 410 Gone, every request hung (until the
 * client's time limit), and a moment of health.
 */
const FLAKY_PHASES: FaultPhase[] = [
  { fault: { kind: 'errors', probability: 0.2, status: 503 }, ms: 4_000 },
  { fault: { kind: 'resets', probability: 0.2 }, ms: 3_000 },
  { fault: { kind: 'slow', delayMs: 1_500 }, ms: 3_000 },
  { fault: { kind: 'dropWatches', afterMs: 500, gone: true }, ms: 3_000 },
  { fault: { kind: 'errors', probability: 0.2, status: 500 }, ms: 2_000 },
  { fault: { kind: 'hang' }, ms: 1_500 },
  { fault: { kind: 'none' }, ms: 1_000 },
];

/** Timeline events that a retried step must not repeat. */
const MILESTONES = [
  'requested',
  'started',
  'rollout-started',
  'rollout-failed',
  'rollback-started',
  'succeeded',
  'rolled_back',
  'failed',
];

/** What one chain of deployments of a service should come to. */
interface Plan {
  name: string;
  steps: Array<{
    channel: Channel;
    version: string;
    expected: DeploymentStatus;
  }>;
  /** The version each channel runs at the end; none for a channel never deployed. */
  running: Partial<Record<Channel, string>>;
}

interface Outcome {
  service: string;
  channel: string;
  version: string;
  status: DeploymentStatus;
  expected: DeploymentStatus;
  seconds: number;
  retries: number;
  details: DeploymentDetails;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function describeTimes(ms: number[]): string {
  return `${ms.length} answers, median ${percentile(
    ms,
    0.5,
  )} ms, p95 ${percentile(ms, 0.95)} ms, max ${Math.max(...ms)} ms`;
}

function injectedSince(proxy: FaultProxy, before: InjectedFaults) {
  return Object.fromEntries(
    Object.entries(proxy.injected).map(([kind, count]) => [
      kind,
      count - before[kind as keyof InjectedFaults],
    ]),
  ) as unknown as InjectedFaults;
}

function describeLive(status: ChannelStatus): string {
  return (
    status.error ??
    `${status.health} ${status.runningVersion ?? '-'}: ${status.message}`
  );
}

/**
 * This process's open sockets to a proxy. (The proxy cannot count them
 * itself in a black hole: it never reads those it never answers, so it
 * never sees them close.)
 */
function socketsTo(proxy: FaultProxy): number {
  const port = Number(new URL(proxy.url).port);
  const handles: unknown[] = (process as any)._getActiveHandles();
  return handles.filter(
    handle => handle instanceof Socket && handle.remotePort === port,
  ).length;
}

/** The response's body when it has `status`; otherwise fails saying what the server answered. */
function answered(
  response: { status: number; body: any },
  status: number,
  what: string,
) {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected HTTP ${status}, got ${
        response.status
      }: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** The deploy API of a test backend, as alice (allowed everything) calls it. */
class FlakyApi {
  constructor(
    private readonly server: any,
    readonly stop: () => Promise<void>,
  ) {}

  async register(name: string) {
    const response = await request(this.server)
      .post('/api/deploy/services')
      .set('Authorization', alice)
      .send({
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.local/shop/${name}`,
          port: 8080,
          channels: { dev: { replicas: 1 }, staging: { replicas: 1 } },
        },
      });
    answered(response, 201, `Registering ${name}`);
  }

  async deploy(service: string, channel: Channel, version: string) {
    const response = await request(this.server)
      .post('/api/deploy/deployments')
      .set('Authorization', alice)
      .send({ service, channel, version });
    return answered(
      response,
      201,
      `Deploying ${service} ${version} to ${channel}`,
    ).id as string;
  }

  async details(id: string): Promise<DeploymentDetails> {
    const response = await request(this.server)
      .get(`/api/deploy/deployments/${id}`)
      .set('Authorization', alice);
    return answered(response, 200, `Reading deployment ${id}`);
  }

  finished(id: string, timeoutMs: number) {
    return waitFor(
      `deployment ${id} to end`,
      async () => {
        const details = await this.details(id);
        return isFinalDeploymentStatus(details.deployment.status) && details;
      },
      timeoutMs,
    );
  }

  /** The status route's answer, per channel, and how long it took. */
  async status(service: string) {
    const [response, ms] = await timed(async () =>
      request(this.server)
        .get(`/api/deploy/services/${service}/status`)
        .set('Authorization', alice),
    );
    const body = answered(response, 200, `The status of ${service}`);
    const channels = Object.fromEntries(
      (body.channels as ChannelStatus[]).map(c => [c.channel, c]),
    ) as Record<Channel, ChannelStatus>;
    return { channels, ms };
  }
}

describeOnCluster('a flaky API server', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const supported = databases.eachSupportedId().map(([id]) => id);
  const databaseId: TestDatabaseId = supported.includes('POSTGRES_15')
    ? 'POSTGRES_15'
    : 'SQLITE_3';
  const figures: string[] = [];
  const services: string[] = [];
  const backends: FlakyApi[] = [];
  /** In front of the cluster of the flaky and the outage scenarios. */
  let flaky: FaultProxy;
  /** In front of the cluster of the black-hole scenario. */
  let blackHoled: FaultProxy;
  const apps = () => loadSlipwayKubeConfig().makeApiClient(AppsV1Api);

  async function startBackend(options: {
    cluster: string;
    proxy: FaultProxy;
    maxAttempts: number;
  }): Promise<FlakyApi> {
    const knex = await databases.init(databaseId);
    const backend = await startTestBackend({
      features: [
        catalogOfComponents().factory,
        deployPlugin,
        mockServices.rootConfig.factory({
          data: {
            deploy: {
              clusters: [
                {
                  name: options.cluster,
                  kubeconfigPath: options.proxy.writeKubeconfig(),
                },
              ],
              kubernetes: {
                requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
                logTimeoutSeconds: 5,
              },
              worker: {
                pollIntervalMs: 200,
                concurrency: 8,
                maxAttempts: options.maxAttempts,
              },
              // Deadlines long enough for an outage: here a rollout must
              // end by the retries, never by its deadline.
              channels: CHANNELS.map(name => ({
                name,
                cluster: options.cluster,
                progressDeadlineSeconds: 240,
              })),
            },
          },
        }),
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    let stopped = false;
    const api = new FlakyApi(backend.server, async () => {
      if (!stopped) {
        stopped = true;
        await backend.stop();
      }
    });
    backends.push(api);
    return api;
  }

  beforeAll(async () => {
    flaky = await FaultProxy.start(loadSlipwayKubeConfig());
    blackHoled = await FaultProxy.start(loadSlipwayKubeConfig());
  });

  afterAll(async () => {
    await flaky?.heal();
    await blackHoled?.heal();
    for (const backend of backends) {
      await backend.stop().catch(() => undefined);
    }
    await flaky?.close();
    await blackHoled?.close();
    for (const namespace of Object.values(NAMESPACES)) {
      await deleteServiceObjects({
        kubeconfigPath: process.env.SLIPWAY_ADMIN_KUBECONFIG!,
        namespace,
        services,
      });
    }
    // eslint-disable-next-line no-console
    console.log(
      [
        `A flaky API server, on ${databaseId}: figures`,
        ...figures,
        `proxy totals: flaky ${flaky?.report()}; black-holed ${blackHoled?.report()}`,
      ].join('\n'),
    );
  });

  if (process.env.SLIPWAY_REQUIRE_POSTGRES) {
    it('runs on PostgreSQL, as the test command requires', () => {
      expect(supported).toContain('POSTGRES_15');
    });
  }

  it('ends every deployment with its right status while the API server fails, resets, slows, hangs and drops watches, and the live state recovers once it heals', async () => {
    const began = Date.now();
    const api = await startBackend({
      cluster: 'flaky',
      proxy: flaky,
      maxAttempts: 40,
    });
    const plan = (purpose: string, steps: Plan['steps']): Plan => {
      const running: Plan['running'] = {};
      for (const step of steps) {
        if (step.expected === 'succeeded') {
          running[step.channel] = step.version;
        }
      }
      return { name: uniqueServiceName(purpose), steps, running };
    };
    const plans: Plan[] = [
      ...[1, 2, 3].map(() =>
        plan('flaky-ok', [
          { channel: 'dev', version: '1.0.0', expected: 'succeeded' },
          { channel: 'staging', version: '1.0.0', expected: 'succeeded' },
        ]),
      ),
      ...[1, 2].map(() =>
        plan('flaky-slow', [
          { channel: 'dev', version: '1.0.0-slow5s', expected: 'succeeded' },
        ]),
      ),
      ...[1, 2, 3].map(() =>
        plan('flaky-crash', [
          { channel: 'dev', version: '1.0.0', expected: 'succeeded' },
          {
            channel: 'dev',
            version: '1.1.0-crashloop',
            expected: 'rolled_back',
          },
        ]),
      ),
    ];
    services.push(...plans.map(p => p.name));
    for (const { name } of plans) {
      await api.register(name);
    }

    const before = { ...flaky.injected };
    const cycle = FlakyFaultCycle.start(flaky, FLAKY_PHASES);
    const faultsFrom = Date.now();
    // The status route, looked at all along, one service after the other.
    const looks: number[] = [];
    let unreadableLooks = 0;
    let sampling = true;
    const sampler = (async () => {
      for (let i = 0; sampling; i++) {
        const { channels, ms } = await api.status(plans[i % plans.length].name);
        looks.push(ms);
        if (CHANNELS.some(c => channels[c].error)) {
          unreadableLooks += 1;
        }
        await sleep(500);
      }
    })();

    let outcomes: Outcome[];
    try {
      outcomes = (
        await Promise.all(
          plans.map(async ({ name, steps }) => {
            const chain: Outcome[] = [];
            for (const { channel, version, expected } of steps) {
              const id = await api.deploy(name, channel, version);
              const [details, ms] = await timed(() =>
                api.finished(id, 150_000),
              );
              chain.push({
                service: name,
                channel,
                version,
                status: details.deployment.status,
                expected,
                seconds: ms / 1000,
                retries: details.events.filter(e => e.type === 'retrying')
                  .length,
                details,
              });
            }
            return chain;
          }),
        )
      ).flat();
    } finally {
      sampling = false;
      await sampler;
      await cycle.stop();
    }
    const faultsMs = Date.now() - faultsFrom;
    const injected = injectedSince(flaky, before);

    // Every deployment came to the status its version calls for.
    const summary = (o: Outcome) =>
      `${o.service} ${o.channel} ${o.version}: ${o.status}`;
    expect(outcomes.map(summary)).toEqual(
      outcomes.map(o => summary({ ...o, status: o.expected })),
    );
    // Retried steps repeated nothing: each milestone once, in order.
    const milestones = (o: Outcome) =>
      `${o.service} ${o.version}: ${o.details.events
        .map(e => e.type)
        .filter(type => MILESTONES.includes(type))
        .join(' ')}`;
    expect(outcomes.map(milestones)).toEqual(
      outcomes.map(
        o =>
          `${o.service} ${o.version}: ${
            o.expected === 'succeeded'
              ? 'requested started rollout-started succeeded'
              : 'requested started rollout-started rollout-failed rollback-started rolled_back'
          }`,
      ),
    );
    for (const o of outcomes.filter(x => x.expected === 'rolled_back')) {
      expect(o.details.deployment.previousVersion).toBe('1.0.0');
      expect(o.details.deployment.result?.rollout?.reason).toBe(
        'CrashLoopBackOff',
      );
    }
    // Every kind of fault was met, and the status route answered in time.
    const unmet = (
      ['errors', 'resets', 'slowed', 'hung', 'watchesDropped', 'gone'] as const
    ).filter(kind => injected[kind] === 0);
    expect(unmet).toEqual([]);
    expect(Math.max(...looks)).toBeLessThan(STATUS_ROUTE_LIMIT_MS);

    // Healed: the live state comes back by itself, right for every channel.
    const healedAt = Date.now();
    const wrong = async () => {
      const problems: string[] = [];
      for (const { name, running } of plans) {
        const { channels } = await api.status(name);
        for (const channel of CHANNELS) {
          const live = channels[channel];
          const version = running[channel];
          const right = version
            ? !live.error &&
              live.health === 'Healthy' &&
              live.runningVersion === version
            : !live.error && live.health === 'Missing';
          if (!right) {
            problems.push(
              `${name} ${channel}: ${live.health} ${live.runningVersion} ${
                live.error ?? live.message
              }`,
            );
          }
        }
      }
      return problems;
    };
    await waitFor(
      'the status route to show the right version in every channel',
      async () => (await wrong()).length === 0,
      90_000,
    ).catch(async error => {
      throw new Error(`${error.message}: ${(await wrong()).join('; ')}`);
    });
    const recoveredMs = Date.now() - healedAt;
    for (const { name, running } of plans) {
      const live = await apps().readNamespacedDeployment({
        name,
        namespace: NAMESPACES.dev,
      });
      expect(live.spec?.template.spec?.containers[0].image).toBe(
        `registry.local/shop/${name}:${running.dev}`,
      );
    }
    const [, stopMs] = await timed(() => api.stop());
    const tookMs = Date.now() - began;

    const byStatus = outcomes.reduce<Record<string, number>>((counts, o) => {
      counts[o.status] = (counts[o.status] ?? 0) + 1;
      return counts;
    }, {});
    figures.push(
      `3. flaky API server (${seconds(faultsMs)} of faults, ${
        cycle.phasesRun
      } phases of ${FLAKY_PHASES.length}):`,
      `   faults injected: ${Object.entries(injected)
        .map(([kind, count]) => `${kind}=${count}`)
        .join(' ')}`,
      `   deployments: ${outcomes.length} (${
        plans.length
      } services), final: ${Object.entries(byStatus)
        .map(([status, count]) => `${status}=${count}`)
        .join(' ')}; all as expected`,
      `   retries: ${outcomes.reduce(
        (n, o) => n + o.retries,
        0,
      )} in all, at most ${Math.max(
        ...outcomes.map(o => o.retries),
      )} for one deployment; slowest deployment ${Math.max(
        ...outcomes.map(o => o.seconds),
      ).toFixed(1)} s`,
      `   status route under faults: ${describeTimes(
        looks,
      )}; ${unreadableLooks} named an unreadable cluster`,
      `   live state right in every channel ${seconds(
        recoveredMs,
      )} after healing; backend stopped in ${stopMs} ms; scenario ${seconds(
        tookMs,
      )}`,
    );
    expect(tookMs).toBeLessThan(200_000);
  });

  /** Starts a -slow10s first version of a new service; resolves once it is applied. */
  async function rollingOut(api: FlakyApi, purpose: string) {
    const name = uniqueServiceName(purpose);
    services.push(name);
    await api.register(name);
    const id = await api.deploy(name, 'dev', '1.0.0-slow10s');
    await waitFor(
      `${name} to start rolling out`,
      async () => {
        const { deployment, events } = await api.details(id);
        return (
          deployment.status === 'rolling_out' &&
          events.some(e => e.type === 'rollout-started')
        );
      },
      60_000,
    );
    return { name, id };
  }

  it('waits out a 60 s outage of the API server mid-rollout, retrying with backoff, and resumes; the status route names the unreachable cluster meanwhile', async () => {
    const began = Date.now();
    const outageMs = 60_000;
    const api = await startBackend({
      cluster: 'flaky',
      proxy: flaky,
      maxAttempts: 12,
    });
    const { name, id } = await rollingOut(api, 'flaky-down');

    await flaky.inject({ kind: 'down' });
    const downAt = Date.now();
    const looks: Array<{ atMs: number; ms: number; dev: ChannelStatus }> = [];
    while (Date.now() - downAt < outageMs) {
      const { channels, ms } = await api.status(name);
      looks.push({ atMs: Date.now() - downAt, ms, dev: channels.dev });
      await sleep(
        Math.min(4_000, Math.max(0, outageMs - (Date.now() - downAt))),
      );
    }
    const during = await api.details(id);
    await flaky.heal();
    const upAt = Date.now();

    // It waited, released, retrying with a growing backoff.
    expect(during.deployment.status).toBe('rolling_out');
    const retries = during.events
      .filter(e => e.type === 'retrying')
      .map(e => ({
        attempt: Number(/attempt (\d+) of/.exec(e.message)?.[1]),
        delaySeconds: Number(/trying again in (\d+)s/.exec(e.message)?.[1]),
        message: e.message,
      }));
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries.map(r => r.attempt)).toEqual(retries.map((_, i) => i + 1));
    expect(retries[retries.length - 1].delaySeconds).toBeGreaterThan(
      retries[0].delaySeconds,
    );
    expect(retries[0].message).toContain('cluster "flaky"');
    // The status route answered in time all along, and, once the watch had
    // noticed, named the cluster it could not read.
    expect(Math.max(...looks.map(l => l.ms))).toBeLessThan(
      STATUS_ROUTE_LIMIT_MS,
    );
    const settled = looks.filter(l => l.atMs >= 10_000);
    expect(settled.length).toBeGreaterThanOrEqual(5);
    for (const { dev } of settled) {
      expect(dev.message).toBe('Cluster "flaky" could not be read');
      expect(dev.error).toContain('cluster "flaky"');
    }

    const done = await api.finished(id, 90_000);
    const resumedMs = Date.parse(done.deployment.finishedAt!) - upAt;
    expect(done.deployment.status).toBe('succeeded');
    // The live state follows once the watcher's own backoff (1s doubling to
    // 60s, README) lets it list again: up to a minute after the cluster is back.
    const backAt = await waitFor(
      'the status route to show 1.0.0-slow10s running',
      async () => {
        const { channels } = await api.status(name);
        return (
          !channels.dev.error &&
          channels.dev.health === 'Healthy' &&
          channels.dev.runningVersion === '1.0.0-slow10s' &&
          Date.now()
        );
      },
      80_000,
    );
    const [, stopMs] = await timed(() => api.stop());
    const tookMs = Date.now() - began;
    const firstNamed = looks.find(l => l.dev.error);
    figures.push(
      `4a. API server down for ${seconds(
        upAt - downAt,
      )} mid-rollout (-slow10s):`,
      `   retries: ${retries.length}, attempts ${retries
        .map(r => r.attempt)
        .join(',')}, backoff ${retries
        .map(r => `${r.delaySeconds}s`)
        .join(' → ')}; the last: ${retries[retries.length - 1].message}`,
      `   status route during the outage: ${describeTimes(
        looks.map(l => l.ms),
      )}; named the cluster from ${
        firstNamed ? seconds(firstNamed.atMs) : 'never'
      } into it: ${firstNamed?.dev.error}`,
      `   succeeded ${seconds(
        resumedMs,
      )} after the API server came back; status route right ${seconds(
        backAt - upAt,
      )} after; backend stopped in ${stopMs} ms; scenario ${seconds(tookMs)}`,
    );
    // The last backoff (at most 30s) plus a step or two.
    expect(resumedMs).toBeLessThan(45_000);
    expect(tookMs).toBeLessThan(180_000);
  });

  it('fails a deployment at its deadline, saying the cluster did not answer, when the API server black-holes; the status route still answers in time', async () => {
    const began = Date.now();
    const maxAttempts = 3;
    const api = await startBackend({
      cluster: 'blackholed',
      proxy: blackHoled,
      maxAttempts,
    });
    const { name, id } = await rollingOut(api, 'flaky-hole');

    await blackHoled.inject({ kind: 'blackHole' });
    const holedAt = Date.now();
    // dev's namespace is watched already (a silent watch is noticed only
    // after its timeout); staging's is looked at for the first time.
    const first = await api.status(name);
    expect(first.ms).toBeLessThan(STATUS_ROUTE_LIMIT_MS);
    expect(first.channels.staging.message).toBe(
      'Cluster "blackholed" could not be read',
    );
    expect(first.channels.staging.error).toMatch(
      /^Cluster "blackholed" did not answer (in time|within)/,
    );

    const done = await api.finished(id, 90_000);
    const failedMs = Date.now() - holedAt;
    expect(done.deployment.status).toBe('failed');
    const end = done.events[done.events.length - 1];
    expect(end.type).toBe('failed');
    expect(end.message).toMatch(
      new RegExp(
        `^Failed while rolling out: gave up after ${maxAttempts} failed attempts in a row; the last: Cluster "blackholed" did not answer in time .*\\(timed out after ${REQUEST_TIMEOUT_SECONDS}s\\)`,
      ),
    );
    // Each attempt waits out its time limit, with a backoff between them.
    expect(failedMs).toBeGreaterThanOrEqual(
      maxAttempts * REQUEST_TIMEOUT_SECONDS * 1000,
    );
    expect(failedMs).toBeLessThan(45_000);
    const retries = done.events.filter(e => e.type === 'retrying');
    expect(retries).toHaveLength(maxAttempts - 1);

    const second = await api.status(name);
    expect(second.ms).toBeLessThan(STATUS_ROUTE_LIMIT_MS);
    const openBeforeStop = socketsTo(blackHoled);
    const [, stopMs] = await timed(() => api.stop());
    expect(stopMs).toBeLessThan(15_000);
    // Stopped, it leaves nothing waiting on the silent cluster: a request
    // in flight ends at its time limit at the latest.
    const [, closedMs] = await timed(() =>
      waitFor(
        "the stopped backend's connections to the black hole to close",
        async () => socketsTo(blackHoled) === 0,
        REQUEST_TIMEOUT_SECONDS * 1000 + 5_000,
      ),
    );
    const tookMs = Date.now() - began;
    figures.push(
      `4b. API server black-holed mid-rollout (maxAttempts ${maxAttempts}, requestTimeoutSeconds ${REQUEST_TIMEOUT_SECONDS}):`,
      `   failed ${seconds(failedMs)} after the black hole began, after ${
        retries.length
      } retries: ${end.message}`,
      `   status route: ${first.ms} ms, then ${
        second.ms
      } ms; staging (first look): ${
        first.channels.staging.error
      }; dev (watched, its watch silent): ${describeLive(
        first.channels.dev,
      )}, and after the deployment failed: ${describeLive(
        second.channels.dev,
      )}`,
      `   backend stopped in ${stopMs} ms while black-holed; its ${openBeforeStop} sockets to the proxy all closed ${closedMs} ms after; scenario ${seconds(
        tookMs,
      )}`,
    );
    expect(tookMs).toBeLessThan(90_000);
  });
});
