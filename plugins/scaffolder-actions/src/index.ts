/**
 * Slipway's scaffolder actions, as a module for the scaffolder backend.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDeploy as default } from './module';
export { createCheckServiceNameAction } from './actions/checkServiceName';
export {
  createCreateServiceAction,
  type CreateServiceActionOptions,
} from './actions/createService';
export {
  createDeployServiceAction,
  type DeployServiceActionOptions,
} from './actions/deployService';
export {
  createWriteManifestsAction,
  type WriteManifestsActionOptions,
} from './actions/writeManifests';
export {
  DeployBackendClient,
  DeployBackendError,
} from './client/DeployBackendClient';
export {
  createPublishLocalAction,
  type PublishLocalActionOptions,
} from './actions/publishLocal';
