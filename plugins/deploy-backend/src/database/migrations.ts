import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@slipway/plugin-deploy-backend',
  'migrations',
);

/** How long a replica waits for another one's migrations before it gives up. */
const MIGRATION_LOCK_WAIT_MS = 60_000;

/** The PostgreSQL advisory lock that replicas take to migrate one at a time. */
const MIGRATION_ADVISORY_LOCK = 0x5119_3a7;

/**
 * Brings the plugin's tables up to the latest schema, one replica at a time.
 * Replicas that start together on an empty PostgreSQL database would race to
 * create knex's own tables (the loser's CREATE TABLE fails on a duplicate
 * table, type or catalog row), so there each takes an advisory lock first and
 * the next finds nothing left to do. Where there is no such lock, a replica
 * that finds knex's migration lock taken waits for it.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
  for (;;) {
    try {
      await oneReplicaAtATime(knex, () =>
        knex.migrate.latest({ directory: migrationsDir }),
      );
      return;
    } catch (error) {
      if (
        (error as Error)?.name !== 'MigrationLocked' ||
        Date.now() > deadline
      ) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }
}

/**
 * Runs `fn` while this replica holds the migration advisory lock (PostgreSQL;
 * released when the holding transaction ends, also if the replica dies).
 * `fn` uses other connections of the pool.
 */
async function oneReplicaAtATime(
  knex: Knex,
  fn: () => Promise<unknown>,
): Promise<void> {
  if (knex.client.dialect !== 'postgresql') {
    await fn();
    return;
  }
  await knex.transaction(async trx => {
    await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_ADVISORY_LOCK]);
    await fn();
  });
}

/** Undoes every migration; used by the migrations test. */
export async function rollbackDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ directory: migrationsDir }, true);
}
