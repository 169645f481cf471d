// A Backstage backend with the deploy plugin in an OS process of its own, so
// that the fault tests can SIGKILL it mid-deployment and start another on the
// same database. Started by spawnBackend.ts; not part of the plugin.
//
// Reads from the environment:
//   SLIPWAY_FAULTS_DATABASE    the knex config of the test's PostgreSQL database (JSON)
//   SLIPWAY_FAULTS_COMPONENTS  the catalog's component names (JSON array)
//   SLIPWAY_FAULTS_LOG_LEVEL   none | error | warn | info | debug (default warn)
//   SLIPWAY_KUBECONFIG         the local cluster's least-privilege kubeconfig
// Prints one line `{"port":N}` on stdout once it serves.
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import { deployPlugin } from '../../plugin';

/** Short lease and poll, so a killed replica's deployments are taken over within seconds. */
const FAULT_WORKER_SETTINGS = {
  pollIntervalMs: 200,
  leaseSeconds: 3,
  concurrency: 8,
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set (see the top of backendProcess.ts)`);
  }
  return value;
}

async function main() {
  const database: Knex.Config = JSON.parse(required('SLIPWAY_FAULTS_DATABASE'));
  const components: string[] = JSON.parse(
    required('SLIPWAY_FAULTS_COMPONENTS'),
  );
  const level = (process.env.SLIPWAY_FAULTS_LOG_LEVEL ?? 'warn') as 'warn';

  const backend = await startTestBackend({
    features: [
      deployPlugin,
      // No jest here: the in-memory catalog, not catalogOfComponents' mocks.
      catalogServiceMock.factory({
        entities: components.map(name => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name,
            namespace: 'default',
            annotations: { 'slipway.dev/service': name },
          },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:default/team-test',
          },
        })),
      }),
      mockServices.rootLogger.factory({ level }),
      mockServices.database.factory({ knex: knexFactory(database) }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          deploy: {
            clusters: [
              { name: 'local', kubeconfigPath: required('SLIPWAY_KUBECONFIG') },
            ],
            worker: FAULT_WORKER_SETTINGS,
            channels: [
              { name: 'dev', cluster: 'local', progressDeadlineSeconds: 60 },
            ],
          },
        },
      }),
    ],
  });
  process.stdout.write(`${JSON.stringify({ port: backend.server.port() })}\n`);
}

main().catch(error => {
  process.stderr.write(`backendProcess failed to start: ${error.stack}\n`);
  process.exit(1);
});
