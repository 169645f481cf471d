/**
 * Slipway's scaffolder actions, as a module for the scaffolder backend.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDeploy as default } from './module';
export { createCheckServiceNameAction } from './actions/checkServiceName';
