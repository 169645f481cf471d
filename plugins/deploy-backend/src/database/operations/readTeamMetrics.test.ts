import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { DeploymentStatus } from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { seedDeployment, seedService } from '../__testUtils__/seedRows';
import { newDeploymentId } from '../deploymentIds';
import { applyDatabaseMigrations } from '../migrations';
import { readTeamMetrics } from './readTeamMetrics';

jest.setTimeout(60_000);

const PAYMENTS = 'group:default/team-payments';
const SEARCH = 'group:default/team-search';

/** "MM-DDTHH:MM" or "MM-DDTHH:MM:SS" in 2026, UTC. */
const at = (time: string) =>
  new Date(`2026-${time}${time.length === 11 ? ':00' : ''}.000Z`);

/**
 * A hand-made history of team-payments from 1 to 3 November, plus rows the
 * figures must ignore. Durations and restore times are worked out beside
 * each row.
 */
async function seedHandMadeHistory(knex: Knex) {
  await seedService(knex, 'checkout', PAYMENTS);
  await seedService(knex, 'billing', PAYMENTS);
  await seedService(knex, 'search', SEARCH);
  const rows: Array<
    [string, string, DeploymentStatus, string, string | null, string | null]
  > = [
    // service, channel, status, created, started, finished
    // Before the window: ignored.
    [
      'checkout',
      'prod',
      'succeeded',
      '10-31T23:00',
      '10-31T23:00',
      '10-31T23:10',
    ],
    // 1 Nov: 3 deployments, 2 succeeded, 1 failed.
    [
      'checkout',
      'prod',
      'succeeded',
      '11-01T10:00',
      '11-01T10:01',
      '11-01T10:11',
    ], // 600 s
    ['checkout', 'prod', 'failed', '11-01T12:00', '11-01T12:00', '11-01T12:05'], // 300 s; restored 13:20 → 4500 s
    [
      'checkout',
      'prod',
      'succeeded',
      '11-01T13:00',
      '11-01T13:00',
      '11-01T13:20',
    ], // 1200 s
    // 2 Nov: 3 deployments, 1 succeeded, 1 rolled back, 1 cancelled.
    ['checkout', 'dev', 'rolled_back', '11-02T09:00', null, '11-02T09:30'], // 1800 s from creation; restored 11:15 → 6300 s
    ['checkout', 'dev', 'cancelled', '11-02T10:00', null, '11-02T10:01'], // no outcome
    [
      'checkout',
      'dev',
      'succeeded',
      '11-02T11:00',
      '11-02T11:00',
      '11-02T11:15',
    ], // 900 s
    // 3 Nov: 4 deployments, 1 succeeded, 2 failed, 1 still rolling out.
    ['billing', 'prod', 'failed', '11-03T08:00', '11-03T08:00', '11-03T08:10'], // 600 s; restored next day 02:10 → 64800 s
    [
      'checkout',
      'prod',
      'succeeded',
      '11-03T09:00',
      '11-03T09:00',
      '11-03T09:11:40',
    ], // 700 s; another service: restores nothing of billing
    [
      'billing',
      'staging',
      'failed',
      '11-03T20:00',
      '11-03T20:00',
      '11-03T20:05',
    ], // 300 s; never restored
    ['billing', 'prod', 'rolling_out', '11-03T22:00', '11-03T22:00', null],
    // After the window: not counted, but restores the billing/prod failure.
    [
      'billing',
      'prod',
      'succeeded',
      '11-04T02:00',
      '11-04T02:00',
      '11-04T02:10',
    ],
    // Another team: ignored.
    ['search', 'prod', 'failed', '11-02T10:00', '11-02T10:00', '11-02T10:03'],
  ];
  for (const [service, channel, status, created, started, finished] of rows) {
    await seedDeployment(knex, {
      id: newDeploymentId(at(created)),
      service_name: service,
      owner_ref: service === 'search' ? SEARCH : PAYMENTS,
      channel,
      status,
      created_at: at(created),
      started_at: started ? at(started) : null,
      finished_at: finished ? at(finished) : null,
    });
  }
}

describe('readTeamMetrics', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createDatabase(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await seedHandMadeHistory(knex);
    return knex;
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('computes a team’s figures over a window, as worked out by hand', async () => {
      const knex = await createDatabase(databaseId);

      const metrics = await readTeamMetrics(knex, {
        team: PAYMENTS,
        from: at('11-01T00:00').toISOString(),
        to: at('11-04T00:00').toISOString(),
      });

      expect(metrics).toEqual({
        team: PAYMENTS,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-04T00:00:00.000Z',
        deployments: 10,
        perDay: [
          { day: '2026-11-01', total: 3, succeeded: 2, failed: 1 },
          { day: '2026-11-02', total: 3, succeeded: 1, failed: 1 },
          { day: '2026-11-03', total: 4, succeeded: 1, failed: 2 },
        ],
        // 4 succeeded and 4 failed or rolled back of 8 with an outcome.
        successRate: 0.5,
        changeFailureRate: 0.5,
        // 300 300 600 600 | 700 900 1200 1800
        medianDurationSeconds: 650,
        // (4500 + 6300 + 64800) / 3; the staging failure is not restored yet.
        meanTimeToRestoreSeconds: 25200,
      });
    });

    it('lists every day the window touches, and leaves rates out when nothing finished', async () => {
      const knex = await createDatabase(databaseId);

      const metrics = await readTeamMetrics(knex, {
        team: PAYMENTS,
        from: at('11-05T12:00').toISOString(),
        to: at('11-07T06:00').toISOString(),
      });

      expect(metrics.deployments).toBe(0);
      expect(metrics.perDay.map(d => d.day)).toEqual([
        '2026-11-05',
        '2026-11-06',
        '2026-11-07',
      ]);
      expect(metrics.successRate).toBeUndefined();
      expect(metrics.changeFailureRate).toBeUndefined();
      expect(metrics.medianDurationSeconds).toBeUndefined();
      expect(metrics.meanTimeToRestoreSeconds).toBeUndefined();
    });

    it('refuses an empty, reversed or overlong window', async () => {
      const knex = await createDatabase(databaseId);
      const ask = (from: string, to: string) =>
        readTeamMetrics(knex, { team: PAYMENTS, from, to });

      await expect(
        ask('2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z'),
      ).rejects.toThrow(InputError);
      await expect(
        ask('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
      ).rejects.toThrow(InputError);
      await expect(
        ask('2025-01-01T00:00:00Z', '2026-11-01T00:00:00Z'),
      ).rejects.toThrow(/longer than 366 days/);
    });
  });
});
