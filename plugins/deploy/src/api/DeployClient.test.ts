import { ResponseError } from '@backstage/errors';
import { DeployClient } from './DeployClient';

const baseUrl = 'http://backend/api/deploy';

function setup(status = 200, body: unknown = {}) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new DeployClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('DeployClient', () => {
  it('reads channels and a service status from the deploy backend', async () => {
    const { client, fetch } = setup(200, { items: [] });
    await expect(client.getChannels()).resolves.toEqual({ items: [] });
    await client.getServiceStatus('check out');
    expect(fetch.mock.calls.map(c => c[0])).toEqual([
      `${baseUrl}/channels`,
      `${baseUrl}/services/check%20out/status`,
    ]);
  });

  it('puts only the given filters in the history query string', async () => {
    const { client, fetch } = setup(200, { items: [] });
    await client.listDeployments();
    await client.listDeployments({
      team: 'group:default/team-payments',
      status: 'failed',
      limit: 25,
      cursor: 'abc',
      service: '',
    });
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/deployments`);
    expect(fetch.mock.calls[1][0]).toBe(
      `${baseUrl}/deployments?team=group%3Adefault%2Fteam-payments&status=failed&limit=25&cursor=abc`,
    );
  });

  it('asks for a pod container logs, current or previous', async () => {
    const { client, fetch } = setup(200, { text: 'boom' });
    await client.getPodLogs({
      service: 'checkout',
      channel: 'prod',
      pod: 'checkout-abc',
      container: 'app',
      previous: true,
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/services/checkout/channels/prod/pods/checkout-abc/logs?container=app&previous=true`,
    );
    await client.getPodLogs({
      service: 'checkout',
      channel: 'prod',
      pod: 'checkout-abc',
      container: 'app',
      previous: false,
    });
    expect(fetch.mock.calls[1][0]).toBe(
      `${baseUrl}/services/checkout/channels/prod/pods/checkout-abc/logs?container=app`,
    );
  });

  it('reads a team metrics over a window', async () => {
    const { client, fetch } = setup(200, {});
    await client.getTeamMetrics({
      team: 'group:default/a',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-31T00:00:00.000Z',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/metrics?team=group%3Adefault%2Fa&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-31T00%3A00%3A00.000Z`,
    );
  });

  it('reads the diffs of a deploy, a promotion, two channels and a deployment', async () => {
    const diff = {
      head: { channel: 'prod' },
      changes: [],
      unchanged: 3,
      migrations: [],
    };
    const { client, fetch } = setup(200, diff);
    await expect(
      client.getDiff({
        service: 'checkout',
        channel: 'prod',
        version: '1.3.0',
      }),
    ).resolves.toEqual(diff);
    await client.getDiff({ service: 'checkout', channel: 'prod' });
    await client.compareChannels({
      service: 'check out',
      base: 'prod',
      head: 'staging',
    });
    await client.getDeploymentDiff('d/1');
    expect(fetch.mock.calls.map(c => [c[0], c[1]?.method])).toEqual([
      [`${baseUrl}/services/checkout/diff?channel=prod&version=1.3.0`, 'GET'],
      // A promotion names no version: the backend takes the previous channel's.
      [`${baseUrl}/services/checkout/diff?channel=prod`, 'GET'],
      [`${baseUrl}/services/check%20out/compare?base=prod&head=staging`, 'GET'],
      [`${baseUrl}/deployments/d%2F1/diff`, 'GET'],
    ]);
  });

  it('throws a ResponseError when a diff cannot be made', async () => {
    const { client } = setup(404, {
      error: {
        name: 'NotFoundError',
        message: 'staging runs nothing to promote to prod',
      },
      response: { statusCode: 404 },
    });
    const error = await client
      .getDiff({ service: 'checkout', channel: 'prod' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.cause.message).toBe('staging runs nothing to promote to prod');
  });

  it('posts deployments and actions as JSON', async () => {
    const { client, fetch } = setup(201, { id: 'd1' });
    await expect(
      client.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.2.3',
      }),
    ).resolves.toEqual({ id: 'd1' });
    await client.approveDeployment('d1');
    await client.cancelDeployment('d1');
    await client.rollback('checkout', 'prod');
    expect(fetch.mock.calls.map(c => [c[0], c[1]?.method])).toEqual([
      [`${baseUrl}/deployments`, 'POST'],
      [`${baseUrl}/deployments/d1/approve`, 'POST'],
      [`${baseUrl}/deployments/d1/cancel`, 'POST'],
      [`${baseUrl}/services/checkout/channels/prod/rollback`, 'POST'],
    ]);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      service: 'checkout',
      channel: 'dev',
      version: '1.2.3',
    });
    // Actions have no body: the path says everything.
    expect(fetch.mock.calls[1][1]?.body).toBeUndefined();
  });

  it('publishes and reads releases, the pipeline and the releases between two channels', async () => {
    const { client, fetch } = setup(200, { items: [] });
    await client.publishRelease('check out', {
      version: '1.4.0',
      commit: 'abc1234',
    });
    await client.listReleases('checkout');
    await client.listReleases('checkout', { limit: 10, cursor: 'c2' });
    await client.getPipeline('checkout');
    await client.getReleaseChanges({
      service: 'checkout',
      base: 'prod',
      head: 'staging',
    });
    expect(fetch.mock.calls.map(c => [c[0], c[1]?.method])).toEqual([
      [`${baseUrl}/services/check%20out/releases`, 'POST'],
      [`${baseUrl}/services/checkout/releases`, 'GET'],
      [`${baseUrl}/services/checkout/releases?limit=10&cursor=c2`, 'GET'],
      [`${baseUrl}/services/checkout/pipeline`, 'GET'],
      [`${baseUrl}/services/checkout/changes?base=prod&head=staging`, 'GET'],
    ]);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      version: '1.4.0',
      commit: 'abc1234',
    });
  });

  it('throws a ResponseError carrying the backend message', async () => {
    const { client } = setup(409, {
      error: {
        name: 'ConflictError',
        message: 'checkout already has an active deployment in prod',
      },
      response: { statusCode: 409 },
    });
    const error = await client
      .createDeployment({ service: 'checkout', channel: 'prod' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.cause.message).toBe(
      'checkout already has an active deployment in prod',
    );
    expect(error.statusCode).toBe(409);
  });
});
