export {
  DeploymentStatusLabel,
  deploymentStatusText,
} from './DeploymentStatusLabel';
