import { randomUUID } from 'node:crypto';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  Deployment,
  DeploymentStatus,
  ListDeploymentsQuery,
} from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { seedDeployment, seedService } from '../__testUtils__/seedRows';
import { newDeploymentId } from '../deploymentIds';
import { applyDatabaseMigrations } from '../migrations';
import { listDeployments } from './listDeployments';

jest.setTimeout(60_000);

const PAYMENTS = 'group:default/team-payments';
const SEARCH = 'group:default/team-search';
const START = Date.parse('2026-11-01T00:00:00.000Z');
const STATUSES: DeploymentStatus[] = ['succeeded', 'failed', 'rolled_back'];

interface Seeded {
  id: string;
  service: string;
  ownerRef: string;
  channel: string;
  status: DeploymentStatus;
  createdAt: number;
}

/** Newest first, as the history reads. */
function newestFirst(a: Seeded, b: Seeded): number {
  if (a.createdAt !== b.createdAt) {
    return b.createdAt - a.createdAt;
  }
  if (a.id === b.id) {
    return 0;
  }
  return a.id < b.id ? 1 : -1;
}

/**
 * 150 deployments, an hour apart except that every three share one
 * timestamp, so paging has ties to break.
 */
async function seedHistory(knex: Knex): Promise<Seeded[]> {
  await seedService(knex, 'checkout', PAYMENTS);
  await seedService(knex, 'billing', PAYMENTS);
  await seedService(knex, 'search', SEARCH);
  const services = [
    { service: 'checkout', ownerRef: PAYMENTS },
    { service: 'billing', ownerRef: PAYMENTS },
    { service: 'search', ownerRef: SEARCH },
  ];
  const seeded: Seeded[] = [];
  for (let i = 0; i < 150; i++) {
    const createdAt = START + Math.floor(i / 3) * 3_600_000;
    const row: Seeded = {
      // Random ids, so that the order within a tie is not the insertion order.
      id: randomUUID(),
      ...services[i % 3],
      channel: i % 2 === 0 ? 'dev' : 'prod',
      status: STATUSES[(i % 5) % 3],
      createdAt,
    };
    seeded.push(row);
    await seedDeployment(knex, {
      id: row.id,
      service_name: row.service,
      owner_ref: row.ownerRef,
      channel: row.channel,
      status: row.status,
      created_at: new Date(createdAt),
      finished_at: new Date(createdAt + 60_000),
    });
  }
  return seeded.sort(newestFirst);
}

async function readAllPages(
  knex: Knex,
  query: ListDeploymentsQuery,
): Promise<{ items: Deployment[]; pages: number }> {
  const items: Deployment[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listDeployments(knex, { ...query, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { items, pages };
}

describe('listDeployments', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createDatabase(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const seeded = await seedHistory(knex);
    return { knex, seeded };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('pages through the whole history newest first, every row once', async () => {
      const { knex, seeded } = await createDatabase(databaseId);

      const { items, pages } = await readAllPages(knex, { limit: 7 });

      expect(items.map(d => d.id)).toEqual(seeded.map(d => d.id));
      expect(pages).toBe(Math.ceil(150 / 7));
      expect(items[0]).toMatchObject({
        service: seeded[0].service,
        createdAt: new Date(seeded[0].createdAt).toISOString(),
        finishedAt: new Date(seeded[0].createdAt + 60_000).toISOString(),
      });
    });

    it('filters by service, team, channel, status and time, and pages within the filter', async () => {
      const { knex, seeded } = await createDatabase(databaseId);
      const from = START + 10 * 3_600_000;
      const to = START + 30 * 3_600_000;
      const cases: Array<[ListDeploymentsQuery, (d: Seeded) => boolean]> = [
        [{ service: 'billing' }, d => d.service === 'billing'],
        [{ team: PAYMENTS }, d => d.ownerRef === PAYMENTS],
        [
          { channel: 'prod', status: 'failed' },
          d => d.channel === 'prod' && d.status === 'failed',
        ],
        [
          {
            team: SEARCH,
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
          },
          d => d.ownerRef === SEARCH && d.createdAt >= from && d.createdAt < to,
        ],
      ];

      for (const [query, matches] of cases) {
        const expected = seeded.filter(matches).map(d => d.id);
        expect(expected.length).toBeGreaterThan(3);
        const { items } = await readAllPages(knex, { ...query, limit: 4 });
        expect(items.map(d => d.id)).toEqual(expected);
      }
    });

    it('keeps its place when newer deployments arrive between pages', async () => {
      const { knex, seeded } = await createDatabase(databaseId);
      const first = await listDeployments(knex, { limit: 10 });

      await seedDeployment(knex, {
        id: newDeploymentId(),
        service_name: 'checkout',
        owner_ref: PAYMENTS,
        channel: 'dev',
        status: 'succeeded',
        created_at: new Date(START + 1000 * 3_600_000),
      });
      const second = await listDeployments(knex, {
        limit: 10,
        cursor: first.nextCursor,
      });

      expect(second.items.map(d => d.id)).toEqual(
        seeded.slice(10, 20).map(d => d.id),
      );
    });

    it('returns 50 by default and refuses a bad limit, time or cursor', async () => {
      const { knex } = await createDatabase(databaseId);
      const page = await listDeployments(knex, {});
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).toBeDefined();
      expect((await listDeployments(knex, { limit: 200 })).items).toHaveLength(
        150,
      );

      for (const limit of [0, 201, 2.5]) {
        await expect(listDeployments(knex, { limit })).rejects.toThrow(
          InputError,
        );
      }
      await expect(
        listDeployments(knex, { cursor: 'not-a-cursor' }),
      ).rejects.toThrow(InputError);
      await expect(
        listDeployments(knex, { from: 'yesterday' }),
      ).rejects.toThrow("Invalid from 'yesterday'; expected an ISO time");
    });
  });
});
