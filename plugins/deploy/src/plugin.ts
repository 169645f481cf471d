import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { DeployClient, deployApiRef } from './api';
import { deploymentsRouteRef } from './routes';

/**
 * Slipway's frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const deployPlugin = createPlugin({
  id: 'deploy',
  apis: [
    createApiFactory({
      api: deployApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DeployClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { deployments: deploymentsRouteRef },
});

/**
 * The Deploy tab content for a service's entity page.
 *
 * @public
 */
export const EntityDeployContent: () => JSX.Element = deployPlugin.provide(
  createComponentExtension({
    name: 'EntityDeployContent',
    component: {
      lazy: () => import('./components/DeployTab').then(m => m.DeployTab),
    },
  }),
);

/**
 * The team Deployments page.
 *
 * @public
 */
export const DeploymentsPage: () => JSX.Element = deployPlugin.provide(
  createRoutableExtension({
    name: 'DeploymentsPage',
    component: () =>
      import('./components/DeploymentsPage').then(m => m.DeploymentsPage),
    mountPoint: deploymentsRouteRef,
  }),
);
