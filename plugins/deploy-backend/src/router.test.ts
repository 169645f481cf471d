// Bad input is refused with a 4xx that names the field and what is allowed,
// before anything reaches the database or a cluster (the cluster configured
// here is unreachable, so a call that got through would fail differently).
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { catalogOfComponents } from './__testUtils__/catalogOfComponents';
import { deployPlugin } from './plugin';
import { writeUnreachableKubeconfig } from './__testUtils__/unreachableCluster';

jest.setTimeout(60_000);

const alice = mockCredentials.user.header('user:default/alice');

describe('the REST API refuses bad input', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function start(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        catalogOfComponents('group:default/team-payments').factory,
        deployPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            deploy: {
              clusters: [
                { name: 'local', kubeconfigPath: writeUnreachableKubeconfig() },
              ],
              channels: [
                { name: 'dev', cluster: 'local' },
                { name: 'prod', cluster: 'local' },
              ],
            },
          },
        }),
      ],
    });
    const registered = await request(server)
      .post('/api/deploy/services')
      .set('Authorization', alice)
      .send({
        name: 'checkout',
        entityRef: 'component:default/checkout',
        spec: {
          image: 'registry.example.com/checkout',
          port: 8080,
          channels: {},
        },
      });
    expect(registered.status).toBe(201);
    const count = async () => {
      const [{ n }] = await knex('deployments').count({ n: '*' });
      return Number(n);
    };
    return { server, count };
  }

  it.each(databases.eachSupportedId())('on %p', async databaseId => {
    const { server, count } = await start(databaseId);
    const post = (body: unknown) =>
      request(server)
        .post('/api/deploy/deployments')
        .set('Authorization', alice)
        .send(body as object);

    const cases: Array<[unknown, number, RegExp]> = [
      [
        { service: 'checkout', channel: 'dev', version: 'v1 ; rm -rf /' },
        400,
        /version.*must match pattern/,
      ],
      [
        { service: 'Checkout!', channel: 'dev', version: '1.0.0' },
        400,
        /service.*must match pattern/,
      ],
      [
        { service: 'checkout', channel: 'qa', version: '1.0.0' },
        400,
        /channel "qa" does not exist; known channels: dev, prod/,
      ],
      [
        { service: 'nope', channel: 'dev', version: '1.0.0' },
        404,
        /service "nope" is not registered/,
      ],
      [
        { service: 'checkout', channel: 'dev', version: '1.0.0', replicas: 9 },
        400,
        /must NOT have additional properties/,
      ],
      [
        { channel: 'dev', version: '1.0.0' },
        400,
        /must have required property 'service'/,
      ],
      [
        { service: 'checkout', channel: 'dev', version: 'x'.repeat(200) },
        400,
        /version/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(response.body.error.message).toMatch(message);
    }

    const oversized = await post({
      service: 'checkout',
      channel: 'dev',
      version: '1.0.0',
      overrideReason: 'x'.repeat(100_000),
    });
    expect(oversized.status).toBe(413);

    const badQuery = await request(server)
      .get('/api/deploy/deployments?limit=5000')
      .set('Authorization', alice);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.message).toMatch(/limit.*must be <= 200/);

    const badId = await request(server)
      .post('/api/deploy/deployments/not-a-uuid/approve')
      .set('Authorization', alice);
    expect(badId.status).toBe(400);

    const unauthenticated = await request(server).get(
      '/api/deploy/deployments',
    );
    expect(unauthenticated.status).toBe(401);

    expect(await count()).toBe(0);
  });
});
