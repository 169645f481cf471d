/**
 * Slipway's frontend: the Deploy tab on each service and the team Deployments page.
 *
 * @packageDocumentation
 */

export { deployPlugin, EntityDeployContent, DeploymentsPage } from './plugin';
export {
  isDeployAvailable,
  SLIPWAY_SERVICE_ANNOTATION,
} from './isDeployAvailable';
export { deployApiRef, DeployClient } from './api';
export type {
  CompareChannelsRequest,
  DeployApi,
  ListReleasesQuery,
  PodLogsRequest,
  ReleaseChangesRequest,
  SetDiffRequest,
  TeamMetricsQuery,
} from './api';
export { serviceSignalChannel } from './signals';
export type { DeploySignal } from './signals';
