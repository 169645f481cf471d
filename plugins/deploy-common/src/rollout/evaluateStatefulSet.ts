import { StatefulSetShape } from './kubernetesShapes';
import {
  EvaluateWorkloadOptions,
  RolloutVerdict,
  notGated,
  waitUnlessStuck,
} from './evaluateRollout';

function atRevision(revision: string | undefined): string {
  return revision ? ` at revision ${revision}` : '';
}

/** kubectl's waits after the spec is observed, in its order; undefined when done. */
function waitingMessage(sts: StatefulSetShape): string | undefined {
  const replicas = sts.spec?.replicas;
  const rollingUpdate = sts.spec?.updateStrategy?.rollingUpdate;
  const status = sts.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;

  if (replicas !== undefined && ready < replicas) {
    return `Waiting for ${replicas - ready} pods to be ready`;
  }
  if (rollingUpdate) {
    // The API server defaults the partition to 0; read an absent one the same.
    const partition = rollingUpdate.partition ?? 0;
    if (replicas !== undefined && updated < replicas - partition) {
      return `Waiting for partitioned roll out to finish: ${updated} out of ${
        replicas - partition
      } new pods have been updated`;
    }
    return undefined;
  }
  if (status.updateRevision !== status.currentRevision) {
    return `waiting for statefulset rolling update to complete ${updated} pods${atRevision(
      status.updateRevision,
    )}`;
  }
  return undefined;
}

/**
 * Judges a StatefulSet's rollout with the checks of `kubectl rollout status`
 * (its StatefulSetStatusViewer), in kubectl's order, and fails early when a pod
 * of the update revision is stuck for good, as {@link evaluateRollout} does.
 *
 * With the `OnDelete` update strategy pods change only when someone deletes
 * them, so the verdict is complete at once, with reason `RolloutNotGated`.
 * An absent strategy type is read as `RollingUpdate`, and an absent
 * `rollingUpdate.partition` beside a `rollingUpdate` as 0: the API server's
 * defaults, so objects it returns are judged exactly as kubectl judges them.
 *
 * A StatefulSet has no progress deadline: Kubernetes never marks a stalled one
 * failed, so the caller must apply its own deadline to a verdict that stays
 * progressing.
 *
 * @param options - `pods` should be the update revision's pods (see `newPodsOf`).
 * @public
 */
export function evaluateStatefulSet(
  sts: StatefulSetShape,
  options: EvaluateWorkloadOptions = {},
): RolloutVerdict {
  const name = sts.metadata?.name ?? 'statefulset';
  const strategy = sts.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy !== 'RollingUpdate') {
    return notGated(name, strategy);
  }

  const status = sts.status ?? {};
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || (sts.metadata?.generation ?? 0) > observed) {
    return {
      state: 'progressing',
      message: 'Waiting for statefulset spec update to be observed',
    };
  }

  const waiting = waitingMessage(sts);
  if (waiting) {
    return waitUnlessStuck(waiting, options);
  }
  if (sts.spec?.updateStrategy?.rollingUpdate) {
    return {
      state: 'complete',
      message: `partitioned roll out complete: ${
        status.updatedReplicas ?? 0
      } new pods have been updated`,
    };
  }
  return {
    state: 'complete',
    message: `statefulset rolling update complete ${
      status.currentReplicas ?? 0
    } pods${atRevision(status.currentRevision)}`,
  };
}
