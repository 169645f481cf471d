import { createRouteRef } from '@backstage/core-plugin-api';

/** The team Deployments page. */
export const deploymentsRouteRef = createRouteRef({ id: 'deploy:deployments' });
