import { BenchPortal } from '../benchPortal';
import { RolloutClock } from '../rolloutClock';
import { BenchRow, RUN, ms, percentile } from '../stats';

/**
 * Figures 2 and 3, from one series of deployments of a healthy version to
 * dev, one after another: how long from the request until the Deployment is
 * written to the API server (Slipway's overhead), and how long from the API
 * server showing the rollout complete until the deployment is marked
 * succeeded in the database and until an open page's signal arrives.
 */
export async function deployTimings(options: {
  portal: BenchPortal;
  clock: RolloutClock;
  service: string;
  deployments: number;
}): Promise<BenchRow[]> {
  const { portal, clock, service } = options;
  const overhead: number[] = [];
  const toDatabase: number[] = [];
  const toSignal: number[] = [];
  /** Of the time to the database: until the engine judged the rollout complete. */
  const toJudged: number[] = [];
  const signalled = new Map<string, number>();
  const socket = await portal.subscribe(
    `deploy:service:${service}`,
    message => {
      if (
        message?.type === 'deployment-changed' &&
        message.status === 'succeeded'
      ) {
        signalled.set(
          message.deploymentId,
          performance.timeOrigin + performance.now(),
        );
      }
    },
  );
  try {
    for (let i = 0; i < options.deployments; i++) {
      const version = `2.${RUN}.${i}`;
      const requested = performance.timeOrigin + performance.now();
      const created = await portal.api('POST', '/deploy/deployments', {
        service,
        channel: 'dev',
        version,
      });
      if (created.status !== 201) {
        throw new Error(
          `deploy ${version}: ${created.status} ${JSON.stringify(
            created.body,
          )}`,
        );
      }
      const id = created.body.id;
      let deployment: any;
      for (;;) {
        deployment = (await portal.api('GET', `/deploy/deployments/${id}`)).body
          .deployment;
        if (['succeeded', 'failed', 'rolled_back'].includes(deployment.status))
          break;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      if (deployment.status !== 'succeeded') {
        throw new Error(`${version} ended ${deployment.status}`);
      }
      // The signal may still be on its way.
      for (let wait = 0; !signalled.has(id) && wait < 100; wait++) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      const times = clock.get('slipway-dev', service, version);
      if (times.written === undefined || times.complete === undefined) {
        throw new Error(
          `the API server never showed ${version} written and complete`,
        );
      }
      overhead.push(times.written - requested);
      toDatabase.push(Date.parse(deployment.finishedAt) - times.complete);
      toJudged.push(
        Date.parse(deployment.result.rollout.completedAt) - times.complete,
      );
      if (signalled.has(id)) toSignal.push(signalled.get(id)! - times.complete);
    }
  } finally {
    socket.close();
  }
  const n = options.deployments;
  return [
    {
      figure: 2,
      measure: `rollout complete → marked succeeded, p50 / p95 (${n} deployments)`,
      value: `${ms(percentile(toDatabase, 50))} / ${ms(
        percentile(toDatabase, 95),
      )}`,
      target: 'p95 ≤ 500 ms',
      met: percentile(toDatabase, 95) <= 500,
    },
    {
      figure: 2,
      measure: '… of which: until the engine judged it complete, p50 / p95',
      value: `${ms(percentile(toJudged, 50))} / ${ms(
        percentile(toJudged, 95),
      )}`,
      target: '(reported)',
    },
    {
      figure: 2,
      measure: `rollout complete → signal at an open page, p50 / p95 (${toSignal.length} of ${n} signalled)`,
      value: `${ms(percentile(toSignal, 50))} / ${ms(
        percentile(toSignal, 95),
      )}`,
      target: 'p95 ≤ 500 ms',
      met: toSignal.length === n && percentile(toSignal, 95) <= 500,
    },
    {
      figure: 3,
      measure: `request → Deployment written to the API server, p50 / p95 (${n} deployments)`,
      value: `${ms(percentile(overhead, 50))} / ${ms(
        percentile(overhead, 95),
      )}`,
      target: 'p50 ≤ 50 ms',
      met: percentile(overhead, 50) <= 50,
    },
  ];
}
