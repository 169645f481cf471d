export { deployApiRef } from './DeployApi';
export type { DeployApi, PodLogsRequest, TeamMetricsQuery } from './DeployApi';
export { DeployClient } from './DeployClient';
