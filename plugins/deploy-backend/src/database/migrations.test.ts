import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from './migrations';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });

  if (process.env.SLIPWAY_REQUIRE_POSTGRES) {
    it('runs on PostgreSQL, as the test command requires', () => {
      expect(databases.eachSupportedId().map(([id]) => id)).toContain(
        'POSTGRES_15',
      );
    });
  }

  it.each(databases.eachSupportedId())(
    'goes up and down with data in place, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);

      const now = new Date();
      await knex('services').insert({
        name: 'checkout',
        entity_ref: 'component:default/checkout',
        owner_ref: 'group:default/team-payments',
        spec: JSON.stringify({
          image: 'registry.example/checkout',
          port: 8080,
        }),
        created_at: now,
        updated_at: now,
      });
      await knex('deployments').insert({
        id: '00000000-0000-4000-8000-000000000001',
        service_name: 'checkout',
        owner_ref: 'group:default/team-payments',
        channel: 'dev',
        version: '1.0.0',
        status: 'requested',
        active_key: 'checkout/dev',
        requested_by: 'user:default/alice',
        created_at: now,
      });
      await knex('deployment_events').insert({
        deployment_id: '00000000-0000-4000-8000-000000000001',
        type: 'requested',
        message: 'alice asked for 1.0.0 in dev',
        created_at: now,
      });

      // One active deployment per service and channel is enforced by the schema.
      // (Matched by code: under Jest, better-sqlite3's errors may come from
      // another realm and fail toThrow's instanceof check.)
      await expect(
        knex('deployments').insert({
          id: '00000000-0000-4000-8000-000000000002',
          service_name: 'checkout',
          owner_ref: 'group:default/team-payments',
          channel: 'dev',
          version: '1.0.1',
          status: 'requested',
          active_key: 'checkout/dev',
          requested_by: 'user:default/bob',
          created_at: now,
        }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/),
      });

      // Finished deployments hold no key, so a pair keeps any number of them.
      for (const id of ['3', '4']) {
        await knex('deployments').insert({
          id: `00000000-0000-4000-8000-00000000000${id}`,
          service_name: 'checkout',
          owner_ref: 'group:default/team-payments',
          channel: 'dev',
          version: `0.9.${id}`,
          status: 'succeeded',
          active_key: null,
          requested_by: 'user:default/bob',
          created_at: now,
          finished_at: now,
        });
      }
      const [{ deployments }] = await knex('deployments').count({
        deployments: '*',
      });
      expect(Number(deployments)).toBe(3);

      const [{ n }] = await knex('deployment_events').count({ n: '*' });
      expect(Number(n)).toBe(1);

      await rollbackDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('deployments')).toBe(false);
      expect(await knex.schema.hasTable('services')).toBe(false);

      await applyDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('deployments')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId().filter(([id]) => id === 'POSTGRES_15'))(
    'lets replicas that start together on an empty %p database all come up',
    async databaseId => {
      // Each round a fresh database and four replicas' connections: they
      // race to create knex's lock table, then for the lock.
      for (let round = 0; round < 3; round++) {
        const first = await databases.init(databaseId);
        const replicas = [
          first,
          ...[1, 2, 3].map(() => knexFactory(first.client.config)),
        ];
        const outcomes = await Promise.allSettled(
          replicas.map(replica => applyDatabaseMigrations(replica)),
        );
        expect(
          outcomes.map(o =>
            o.status === 'rejected' ? String(o.reason) : 'up',
          ),
        ).toEqual(['up', 'up', 'up', 'up']);
        expect(await first.schema.hasTable('deployments')).toBe(true);
        await Promise.all(replicas.slice(1).map(replica => replica.destroy()));
      }
    },
  );
});
