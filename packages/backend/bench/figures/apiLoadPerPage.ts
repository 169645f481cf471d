import { ApiServer } from '../apiServer';
import { BenchPortal, sleep } from '../benchPortal';
import { BenchRow } from '../stats';

/** The Kubernetes plugin's frontend refreshes an open tab this often. */
const KUBERNETES_PLUGIN_REFRESH_MS = 10_000;

/**
 * Figure 1: what open Deploy tabs cost the API server, beside what the
 * Backstage Kubernetes plugin costs for the same entity, counted by the API
 * server itself. A Deploy tab reads the status once and then listens on its
 * signal channel; a Kubernetes tab asks the plugin's backend every 10 s.
 */
export async function apiLoadPerPage(options: {
  portal: BenchPortal;
  apiServer: ApiServer;
  service: string;
  windowMs: number;
  tabs: number[];
}): Promise<BenchRow[]> {
  const { portal, apiServer, service, windowMs } = options;
  const entity = (
    await portal.api(
      'GET',
      `/catalog/entities/by-name/component/default/${service}`,
    )
  ).body;

  /** Read requests the API server served during a window, less the idle rate. */
  async function count(during: () => Promise<void>): Promise<number> {
    const before = await apiServer.readRequests();
    await during();
    return (await apiServer.readRequests()) - before;
  }

  const idle = await count(() => sleep(windowMs));
  const rows: BenchRow[] = [];
  const slipway: number[] = [];
  const kubernetesPlugin: number[] = [];
  for (const n of options.tabs) {
    const sockets: WebSocket[] = [];
    slipway.push(
      (await count(async () => {
        const deadline = Date.now() + windowMs;
        await Promise.all(
          Array.from({ length: n }, async () => {
            sockets.push(
              await portal.subscribe(`deploy:service:${service}`, () => {}),
            );
            const status = await portal.api(
              'GET',
              `/deploy/services/${service}/status`,
            );
            if (status.status !== 200)
              throw new Error(`status: ${status.status}`);
          }),
        );
        await sleep(Math.max(0, deadline - Date.now()));
      })) - idle,
    );
    sockets.forEach(s => s.close());

    kubernetesPlugin.push(
      (await count(async () => {
        const deadline = Date.now() + windowMs;
        await Promise.all(
          Array.from({ length: n }, async (_, tab) => {
            // Tabs opened over the first refresh period, as people do.
            await sleep((tab * KUBERNETES_PLUGIN_REFRESH_MS) / n);
            while (Date.now() < deadline) {
              const started = Date.now();
              const answer = await portal.api(
                'POST',
                `/kubernetes/services/${service}`,
                {
                  entity,
                  auth: {},
                },
              );
              if (answer.status !== 200)
                throw new Error(`kubernetes: ${answer.status}`);
              await sleep(
                KUBERNETES_PLUGIN_REFRESH_MS - (Date.now() - started),
              );
            }
          }),
        );
      })) - idle,
    );
    rows.push({
      figure: 1,
      measure: `API reads in ${windowMs / 1000} s, ${n} open tab${
        n > 1 ? 's' : ''
      }: Slipway / Kubernetes plugin`,
      value: `${slipway[slipway.length - 1]} / ${
        kubernetesPlugin[kubernetesPlugin.length - 1]
      }`,
      target: 'Slipway flat in N',
    });
  }
  const last = options.tabs.length - 1;
  const ratio = kubernetesPlugin[last] / Math.max(1, slipway[last]);
  rows.push({
    figure: 1,
    measure: `Kubernetes plugin ÷ Slipway at ${options.tabs[last]} tabs`,
    value: `${ratio.toFixed(0)}×${
      slipway[last] <= 0 ? ' (Slipway: 0, counted as 1)' : ''
    }`,
    target: '≥ 100×',
    met: ratio >= 100,
  });
  // The first window may include starting the shared watches; after that,
  // more tabs must cost nothing more.
  const warm = slipway.slice(1);
  const flat = Math.max(...warm) - Math.min(...warm) <= 2;
  rows.push({
    figure: 1,
    measure: `Slipway's reads for ${options.tabs.join(
      ', ',
    )} tabs (the first includes starting its watches)`,
    value: slipway.join(', '),
    target: 'does not grow with N',
    met: flat,
  });
  return rows;
}
