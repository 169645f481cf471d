import {
  HorizontalPodAutoscalerShape,
  IngressShape,
  ObjectCondition,
  PodDisruptionBudgetShape,
} from './kubernetesShapes';

/**
 * Health of an object that Slipway reports but never waits for.
 *
 * @public
 */
export interface ReportedHealth {
  health: 'Healthy' | 'Progressing' | 'Degraded';
  message: string;
}

/** Condition reasons with which the HPA controller says it cannot do its job. */
const HPA_DEGRADED_REASONS: Record<string, ReadonlySet<string>> = {
  AbleToScale: new Set(['FailedGetScale', 'FailedUpdateScale']),
  ScalingActive: new Set([
    'FailedGetResourceMetric',
    'FailedGetContainerResourceMetric',
    'FailedGetObjectMetric',
    'FailedGetPodsMetric',
    'FailedGetExternalMetric',
    'FailedComputeMetricsReplicas',
    'InvalidSelector',
    'InvalidMetricSourceType',
  ]),
};

function describeCondition(condition: ObjectCondition): string {
  const why = condition.reason ?? condition.status;
  return condition.message
    ? `${condition.type} ${why}: ${condition.message}`
    : `${condition.type} ${why}`;
}

/**
 * Health of an autoscaling/v2 HorizontalPodAutoscaler, from the conditions its
 * controller sets: Degraded when it cannot read or update the scale target or
 * compute replicas from its metrics, Healthy when it is able to scale (or is
 * limited by its bounds), otherwise Progressing. Report-only: never gates.
 *
 * @public
 */
export function evaluateHorizontalPodAutoscaler(
  hpa: HorizontalPodAutoscalerShape,
): ReportedHealth {
  const conditions = hpa.status?.conditions ?? [];
  const degraded = conditions.find(c =>
    HPA_DEGRADED_REASONS[c.type]?.has(c.reason ?? ''),
  );
  if (degraded) {
    return { health: 'Degraded', message: describeCondition(degraded) };
  }
  const healthy = conditions.find(
    c =>
      (c.type === 'AbleToScale' || c.type === 'ScalingLimited') &&
      c.status === 'True',
  );
  if (healthy) {
    return { health: 'Healthy', message: describeCondition(healthy) };
  }
  return { health: 'Progressing', message: 'Waiting to autoscale' };
}

/**
 * Health of a PodDisruptionBudget: Progressing until the disruption controller
 * has written a status, Degraded when a condition is False for a reason other
 * than `InsufficientPods` (for example `SyncFailed`), otherwise Healthy. Too
 * few healthy pods to allow a disruption is the budget working, not broken.
 * Report-only: never gates.
 *
 * @public
 */
export function evaluatePodDisruptionBudget(
  pdb: PodDisruptionBudgetShape,
): ReportedHealth {
  const status = pdb.status;
  if (!status) {
    return {
      health: 'Progressing',
      message: 'Waiting for the disruption controller to observe the budget',
    };
  }
  const broken = status.conditions?.find(
    c => c.status === 'False' && c.reason !== 'InsufficientPods',
  );
  if (broken) {
    return { health: 'Degraded', message: describeCondition(broken) };
  }
  return {
    health: 'Healthy',
    message: `${status.currentHealthy ?? 0} of ${
      status.desiredHealthy ?? 0
    } desired healthy pods, ${
      status.disruptionsAllowed ?? 0
    } disruptions allowed`,
  };
}

/**
 * Health of an Ingress: Healthy once its controller has published a load
 * balancer address, otherwise Progressing. Report-only: never gates.
 *
 * @public
 */
export function evaluateIngress(ingress: IngressShape): ReportedHealth {
  const addresses = (ingress.status?.loadBalancer?.ingress ?? [])
    .map(entry => entry.hostname ?? entry.ip)
    .filter((address): address is string => Boolean(address));
  if (ingress.status?.loadBalancer?.ingress?.length) {
    return {
      health: 'Healthy',
      message: addresses.length
        ? `Load balancer address: ${addresses.join(', ')}`
        : 'Load balancer address assigned',
    };
  }
  return {
    health: 'Progressing',
    message: 'Waiting for a load balancer address',
  };
}

/**
 * Any object {@link evaluateReportedHealth} may be given; its `kind` picks the
 * rule.
 *
 * @public
 */
export type ReportedObjectShape = { kind?: string } & (
  | HorizontalPodAutoscalerShape
  | PodDisruptionBudgetShape
  | IngressShape
);

/**
 * Health of an object Slipway reports but never waits for, by its `kind`:
 * HorizontalPodAutoscaler, PodDisruptionBudget or Ingress. Undefined for
 * any other kind, or none: objects in a list response carry no `kind`, so
 * the caller must set it or call the rule for the kind directly.
 *
 * @public
 */
export function evaluateReportedHealth(
  object: ReportedObjectShape,
): ReportedHealth | undefined {
  switch (object.kind) {
    case 'HorizontalPodAutoscaler':
      return evaluateHorizontalPodAutoscaler(
        object as HorizontalPodAutoscalerShape,
      );
    case 'PodDisruptionBudget':
      return evaluatePodDisruptionBudget(object as PodDisruptionBudgetShape);
    case 'Ingress':
      return evaluateIngress(object as IngressShape);
    default:
      return undefined;
  }
}
