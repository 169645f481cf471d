import type { KubernetesObject } from '@kubernetes/client-node';

/** Marks a Job of the set as the migration, run before the rollout. */
export const PHASE_ANNOTATION = 'slipway.dev/phase';
export const PRE_ROLLOUT = 'pre-rollout';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

/** Kinds whose objects live outside namespaces; refused unless config allows them. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeSnapshotClass',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** Workloads whose pods Slipway judges and whose images it versions. */
export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
] as const;

/** Reported, never gating: they follow the workloads. */
const LATE_KINDS = [
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
];

/** What everything else in the set is applied before: config and accounts first. */
const EARLY_KIND_ORDER = [
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Role',
  'RoleBinding',
  'Service',
];

/** The steps of applying a set, in order. */
export type ApplyPhase = 'config' | 'migration' | 'workloads' | 'late';

/**
 * A Job that runs before the rollout: annotated `slipway.dev/phase:
 * pre-rollout`, or a Helm pre-install/pre-upgrade hook.
 */
export function isMigrationJob(object: KubernetesObject): boolean {
  if (object.kind !== 'Job') {
    return false;
  }
  const annotations = object.metadata?.annotations ?? {};
  if (annotations[PHASE_ANNOTATION] === PRE_ROLLOUT) {
    return true;
  }
  const hooks = (annotations[HELM_HOOK_ANNOTATION] ?? '')
    .split(',')
    .map(h => h.trim());
  return hooks.includes('pre-install') || hooks.includes('pre-upgrade');
}

export function phaseOf(object: KubernetesObject): ApplyPhase {
  if (isMigrationJob(object)) {
    return 'migration';
  }
  const kind = object.kind ?? '';
  if ((WORKLOAD_KINDS as readonly string[]).includes(kind)) {
    return 'workloads';
  }
  return LATE_KINDS.includes(kind) ? 'late' : 'config';
}

const PHASES: ApplyPhase[] = ['config', 'migration', 'workloads', 'late'];

function kindRank(kind: string): number {
  const early = EARLY_KIND_ORDER.indexOf(kind);
  return early >= 0 ? early : EARLY_KIND_ORDER.length;
}

/** The set in apply order: by phase, then by kind, then as rendered. */
export function inApplyOrder<T extends KubernetesObject>(objects: T[]): T[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort(
      (a, b) =>
        PHASES.indexOf(phaseOf(a.object)) - PHASES.indexOf(phaseOf(b.object)) ||
        kindRank(a.object.kind ?? '') - kindRank(b.object.kind ?? '') ||
        a.index - b.index,
    )
    .map(({ object }) => object);
}

/** The long-running workloads of a set, as the live status follows them. */
export function workloadsOf(objects: KubernetesObject[]): Array<{
  kind: string;
  name: string;
  matchLabels: Record<string, string>;
  replicas?: number;
}> {
  return objects
    .filter(o =>
      ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind ?? ''),
    )
    .map(o => {
      const spec = (o as { spec?: Record<string, any> }).spec;
      return {
        kind: o.kind!,
        name: o.metadata!.name!,
        matchLabels: spec?.selector?.matchLabels ?? {},
        replicas:
          o.kind === 'DaemonSet' ? undefined : (spec?.replicas as number) ?? 1,
      };
    });
}
