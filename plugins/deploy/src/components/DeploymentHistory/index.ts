export { DeploymentHistory } from './DeploymentHistory';
export type { DeploymentHistoryProps } from './DeploymentHistory';
