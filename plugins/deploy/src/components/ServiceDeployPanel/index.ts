export { ServiceDeployPanel } from './ServiceDeployPanel';
