import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import RocketIcon from '@material-ui/icons/FlightTakeoff';
import { DeployClient, deployApiRef } from './api';
import { isDeployAvailable } from './isDeployAvailable';
import { deploymentsRouteRef } from './routes';

/**
 * The client of the deploy backend.
 *
 * @alpha
 */
export const deployApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: deployApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DeployClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Deploy tab, on entities that carry the Slipway service annotation.
 *
 * @alpha
 */
export const deployEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'deploy',
    title: 'Deploy',
    filter: isDeployAvailable,
    loader: () => import('./components/DeployTab').then(m => <m.DeployTab />),
  },
});

/**
 * The team Deployments page, with its item in the sidebar.
 *
 * @alpha
 */
export const deploymentsPage = PageBlueprint.make({
  params: {
    path: '/deployments',
    title: 'Deployments',
    icon: <RocketIcon />,
    routeRef: convertLegacyRouteRef(deploymentsRouteRef),
    // The page brings its own header, the same in both frontend systems.
    noHeader: true,
    loader: () =>
      import('./components/DeploymentsPage').then(m => <m.DeploymentsPage />),
  },
});

/**
 * Slipway's frontend plugin, for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'deploy',
  routes: { deployments: convertLegacyRouteRef(deploymentsRouteRef) },
  extensions: [deployApi, deployEntityContent, deploymentsPage],
});
