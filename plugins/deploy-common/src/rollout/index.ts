export * from './kubernetesShapes';
export {
  findUnrecoverablePod,
  type UnrecoverablePod,
} from './findUnrecoverablePod';
export {
  evaluateRollout,
  type RolloutVerdict,
  type EvaluateRolloutOptions,
} from './evaluateRollout';
export { evaluateJob, type JobVerdict } from './evaluateJob';
export { evaluateHealth } from './evaluateHealth';
