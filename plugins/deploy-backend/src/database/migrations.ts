import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@slipway/plugin-deploy-backend',
  'migrations',
);

/** How long a replica waits for another one's migrations before it gives up. */
const MIGRATION_LOCK_WAIT_MS = 60_000;

/**
 * Brings the plugin's tables up to the latest schema. Replicas that start
 * together race for knex's migration lock: the loser waits for the winner's
 * migrations to finish, then finds nothing left to do.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
  for (;;) {
    try {
      await knex.migrate.latest({ directory: migrationsDir });
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

/** Undoes every migration; used by the migrations test. */
export async function rollbackDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ directory: migrationsDir }, true);
}
