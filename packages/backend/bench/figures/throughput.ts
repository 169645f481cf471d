import { BenchPortal, sleep } from '../benchPortal';
import { RolloutClock } from '../rolloutClock';
import { BenchRow, RUN, ms, percentile } from '../stats';

/**
 * Figure 7: 200 deployments requested at once over 100 services (a healthy
 * version to dev and to staging of each), until all have ended. The floor is
 * what the rollouts themselves take: the slowest one, had every deployment
 * run at once. The worker's overhead is each deployment's time from request
 * to succeeded beyond its own rollout, waiting for a worker included.
 */
export async function throughput(options: {
  portal: BenchPortal;
  clock: RolloutClock;
  services: string[];
}): Promise<BenchRow[]> {
  const { portal, clock, services } = options;
  const version = `3.${RUN}.0`;
  const started = performance.timeOrigin + performance.now();
  const requests = services.flatMap(service =>
    ['dev', 'staging'].map(channel => ({ service, channel })),
  );
  const created = await Promise.all(
    requests.map(async ({ service, channel }) => {
      const answer = await portal.api('POST', '/deploy/deployments', {
        service,
        channel,
        version,
        // staging normally takes what succeeded in dev; here both at once.
        ...(channel === 'staging' && {
          overrideReason: 'throughput benchmark',
        }),
      });
      if (answer.status !== 201) {
        throw new Error(
          `${service} ${channel}: ${answer.status} ${JSON.stringify(
            answer.body,
          )}`,
        );
      }
      return { service, channel, id: answer.body.id as string };
    }),
  );

  const ended = new Map<string, any>();
  while (ended.size < created.length) {
    const query = new URLSearchParams({
      limit: '200',
      from: new Date(started - 1000).toISOString(),
    });
    const page = await portal.api('GET', `/deploy/deployments?${query}`);
    for (const d of page.body.items) {
      if (
        ['succeeded', 'failed', 'rolled_back', 'cancelled'].includes(d.status)
      ) {
        ended.set(d.id, d);
      }
    }
    if (performance.timeOrigin + performance.now() - started > 15 * 60_000) {
      throw new Error(
        `only ${ended.size} of ${created.length} ended in 15 min`,
      );
    }
    await sleep(250);
  }
  const allEnded = Math.max(
    ...[...ended.values()].map(d => Date.parse(d.finishedAt)),
  );
  const wall = allEnded - started;
  const rollouts: number[] = [];
  const overheads: number[] = [];
  for (const { service, channel, id } of created) {
    const d = ended.get(id);
    const times = clock.get(`slipway-${channel}`, service, version);
    if (
      d.status !== 'succeeded' ||
      times.written === undefined ||
      times.complete === undefined
    ) {
      throw new Error(`${service} ${channel} ended ${d.status}`);
    }
    const rollout = times.complete - times.written;
    rollouts.push(rollout);
    overheads.push(
      Date.parse(d.finishedAt) - Date.parse(d.createdAt) - rollout,
    );
  }
  const floor = Math.max(...rollouts);
  return [
    {
      figure: 7,
      measure: `200 deployments at once over 100 services: all ended after`,
      value: `${(wall / 1000).toFixed(1)} s; floor ${(floor / 1000).toFixed(
        1,
      )} s (${(wall / floor).toFixed(1)}×)`,
      target: '(reported against the floor)',
    },
    {
      figure: 7,
      measure:
        'time per deployment beyond its own rollout (waiting for a worker included), p50 / p95',
      value: `${ms(percentile(overheads, 50))} / ${ms(
        percentile(overheads, 95),
      )}`,
      target: '(reported)',
    },
  ];
}
