// The backend publishes these (deploy-backend's publishDeploySignal); one
// type in deploy-common keeps publisher and subscriber in step.
export { serviceSignalChannel } from '@slipway/plugin-deploy-common';
export type { DeploySignal } from '@slipway/plugin-deploy-common';
