export { deployApiRef } from './DeployApi';
export type {
  CompareChannelsRequest,
  DeployApi,
  PodLogsRequest,
  SetDiffRequest,
  TeamMetricsQuery,
} from './DeployApi';
export { DeployClient } from './DeployClient';
