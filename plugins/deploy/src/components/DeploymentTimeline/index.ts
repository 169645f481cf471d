export { DeploymentTimeline } from './DeploymentTimeline';
