export * from './kubernetesShapes';
export {
  DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
  findUnrecoverablePod,
  type UnrecoverablePod,
} from './findUnrecoverablePod';
export {
  evaluateRollout,
  type RolloutVerdict,
  type EvaluateRolloutOptions,
  type EvaluateWorkloadOptions,
} from './evaluateRollout';
export { evaluateStatefulSet } from './evaluateStatefulSet';
export { evaluateDaemonSet } from './evaluateDaemonSet';
export { newPodsOf } from './newPodsOf';
export {
  evaluatePersistentVolumeClaim,
  type PersistentVolumeClaimVerdict,
} from './evaluatePersistentVolumeClaim';
export {
  evaluateReportedHealth,
  evaluateHorizontalPodAutoscaler,
  evaluatePodDisruptionBudget,
  evaluateIngress,
  type ReportedHealth,
  type ReportedObjectShape,
} from './evaluateReportedHealth';
export { evaluateJob, type JobVerdict } from './evaluateJob';
export { evaluateHealth } from './evaluateHealth';
