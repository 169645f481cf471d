import { ApiServer } from '../apiServer';
import { BenchPortal, sleep } from '../benchPortal';
import { BenchRow } from '../stats';

/** What the backend and the API server do while pages are open and nothing changes. */
async function idle(
  portal: BenchPortal,
  apiServer: ApiServer,
  windowMs: number,
) {
  const before = portal.usage();
  const reads = await apiServer.readRequests();
  await sleep(windowMs);
  const after = portal.usage();
  return {
    rssMb: after.rssMb,
    cpuPercent:
      ((after.cpuSeconds - before.cpuSeconds) / (windowMs / 1000)) * 100,
    readsPerMinute:
      ((await apiServer.readRequests()) - reads) * (60_000 / windowMs),
    watches: await apiServer.openWatches(),
  };
}

/**
 * Figure 6: live tracking with many services registered and many of them on
 * open pages (status read, signal channel subscribed), against a few. The
 * shared watches are per namespace, so neither watches nor API requests may
 * grow with the number of services.
 */
export async function liveTrackingAtScale(options: {
  portal: BenchPortal;
  apiServer: ApiServer;
  services: string[];
  small: { registered: number; watched: number };
  large: { registered: number; watched: number };
  windowMs: number;
}): Promise<BenchRow[]> {
  const { portal, apiServer, services, windowMs } = options;
  const sockets: WebSocket[] = [];
  let registered = 0;
  let watched = 0;

  async function grow(to: { registered: number; watched: number }) {
    for (; registered < to.registered; registered++) {
      const name = services[registered];
      const answer = await portal.api('POST', '/deploy/services', {
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.local/shop/${name}`,
          port: 8080,
          channels: {},
        },
      });
      if (answer.status !== 201) {
        throw new Error(
          `register ${name}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
    }
    for (; watched < to.watched; watched++) {
      const name = services[watched];
      sockets.push(await portal.subscribe(`deploy:service:${name}`, () => {}));
      const status = await portal.api('GET', `/deploy/services/${name}/status`);
      if (status.status !== 200)
        throw new Error(`status ${name}: ${status.status}`);
    }
  }

  try {
    await grow(options.small);
    const small = await idle(portal, apiServer, windowMs);
    await grow(options.large);
    const large = await idle(portal, apiServer, windowMs);
    const label = (s: { registered: number; watched: number }) =>
      `${s.registered} services × 3 channels, ${s.watched} on open pages`;
    return [
      {
        figure: 6,
        measure: `backend RSS: ${label(options.small)} → ${label(
          options.large,
        )}`,
        value: `${small.rssMb.toFixed(0)} MB → ${large.rssMb.toFixed(0)} MB`,
        target: '≤ 400 MB',
        met: large.rssMb <= 400,
      },
      {
        figure: 6,
        measure:
          'open watches on the API server (all clients, controllers included)',
        value: `${small.watches} → ${large.watches}`,
        target: 'do not grow with services',
        met: large.watches <= small.watches,
      },
      {
        figure: 6,
        measure: 'API reads per minute while idle',
        value: `${small.readsPerMinute.toFixed(
          0,
        )} → ${large.readsPerMinute.toFixed(0)}`,
        target: 'do not grow with services',
        met: large.readsPerMinute <= small.readsPerMinute + 2,
      },
      {
        figure: 6,
        measure: 'backend CPU while idle',
        value: `${small.cpuPercent.toFixed(1)} % → ${large.cpuPercent.toFixed(
          1,
        )} %`,
        target: '(reported)',
      },
    ];
  } finally {
    sockets.forEach(s => s.close());
  }
}
