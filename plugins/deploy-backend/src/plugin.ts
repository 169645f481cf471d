import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';

/**
 * The deploy backend plugin: wires core services to the engine and its routes.
 *
 * @public
 */
export const deployPlugin = createBackendPlugin({
  pluginId: 'deploy',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
      },
      async init({ httpRouter, database }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        httpRouter.use(await createRouter({ knex }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
