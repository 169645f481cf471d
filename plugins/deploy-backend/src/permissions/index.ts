export {
  deployServiceResourceRef,
  deployTargetResourceRef,
  parseDeployTargetRef,
  type DeployServiceResource,
  type DeployServiceQuery,
  type DeployTarget,
  type DeployTargetQuery,
} from './resources';
export { deployServiceRules, deployTargetRules } from './rules';
export {
  deployServiceConditions,
  createDeployServiceConditionalDecision,
  deployTargetConditions,
  createDeployTargetConditionalDecision,
} from './conditions';
