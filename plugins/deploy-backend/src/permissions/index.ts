export {
  deployTargetResourceRef,
  parseDeployTargetRef,
  type DeployTarget,
  type DeployTargetQuery,
} from './deployTargetResource';
export { deployTargetRules } from './rules';
export {
  deployTargetConditions,
  createDeployTargetConditionalDecision,
} from './conditions';
