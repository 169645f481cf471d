import { DaemonSetShape, PodShape, StatefulSetShape } from './kubernetesShapes';

/** The annotation in which apps/v1 carries a DaemonSet's template generation. */
const DAEMON_SET_TEMPLATE_GENERATION =
  'deprecated.daemonset.template.generation';

/**
 * The pods of a StatefulSet's or DaemonSet's newest revision, among pods
 * already selected by its selector, for the early failure of
 * {@link evaluateStatefulSet} and {@link evaluateDaemonSet}.
 *
 * A StatefulSet's new pods carry `controller-revision-hash` equal to its
 * `status.updateRevision`. A DaemonSet's carry `pod-template-generation` equal
 * to its template generation: the `deprecated.daemonset.template.generation`
 * annotation, which the API server keeps, or `metadata.generation` without it.
 * (The two part when a spec change leaves the pod template alone: generation
 * moves, the template generation and the pods' label do not.)
 *
 * Without a revision to compare, no pod is known to be new: none is returned.
 *
 * @public
 */
export function newPodsOf<P extends PodShape>(
  kind: 'StatefulSet',
  workload: StatefulSetShape,
  pods: P[],
): P[];
/** @public */
export function newPodsOf<P extends PodShape>(
  kind: 'DaemonSet',
  workload: DaemonSetShape,
  pods: P[],
): P[];
export function newPodsOf<P extends PodShape>(
  kind: 'StatefulSet' | 'DaemonSet',
  workload: StatefulSetShape | DaemonSetShape,
  pods: P[],
): P[] {
  let label: string;
  let revision: string | undefined;
  if (kind === 'StatefulSet') {
    label = 'controller-revision-hash';
    revision = (workload as StatefulSetShape).status?.updateRevision;
  } else {
    const ds = workload as DaemonSetShape;
    const generation = ds.metadata?.generation;
    label = 'pod-template-generation';
    revision =
      ds.metadata?.annotations?.[DAEMON_SET_TEMPLATE_GENERATION] ??
      (generation === undefined ? undefined : String(generation));
  }
  if (!revision) {
    return [];
  }
  return pods.filter(pod => pod.metadata?.labels?.[label] === revision);
}
