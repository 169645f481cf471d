export { deployApiRef } from './DeployApi';
export type {
  CompareChannelsRequest,
  DeployApi,
  ListReleasesQuery,
  PodLogsRequest,
  ReleaseChangesRequest,
  SetDiffRequest,
  TeamMetricsQuery,
} from './DeployApi';
export { DeployClient } from './DeployClient';
