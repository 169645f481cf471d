export { DeploymentCharts } from './DeploymentCharts';
