import { DaemonSetShape } from './kubernetesShapes';
import {
  EvaluateWorkloadOptions,
  RolloutVerdict,
  notGated,
  waitUnlessStuck,
} from './evaluateRollout';

/**
 * Judges a DaemonSet's rollout with the checks of `kubectl rollout status`
 * (its DaemonSetStatusViewer), in kubectl's order, and fails early when a pod
 * of the new template generation is stuck for good, as
 * {@link evaluateRollout} does.
 *
 * With the `OnDelete` update strategy pods change only when someone deletes
 * them, so the verdict is complete at once, with reason `RolloutNotGated`.
 * An absent strategy type is read as `RollingUpdate`, the API server's default.
 *
 * A DaemonSet has no progress deadline: Kubernetes never marks a stalled one
 * failed, so the caller must apply its own deadline to a verdict that stays
 * progressing.
 *
 * @param options - `pods` should be the new generation's pods (see `newPodsOf`).
 * @public
 */
export function evaluateDaemonSet(
  ds: DaemonSetShape,
  options: EvaluateWorkloadOptions = {},
): RolloutVerdict {
  const name = ds.metadata?.name ?? 'daemonset';
  const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy !== 'RollingUpdate') {
    return notGated(name, strategy);
  }

  const status = ds.status ?? {};
  if ((ds.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return {
      state: 'progressing',
      message: 'Waiting for daemon set spec update to be observed',
    };
  }

  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated < desired) {
    return waitUnlessStuck(
      `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated`,
      options,
    );
  }
  if (available < desired) {
    return waitUnlessStuck(
      `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available`,
      options,
    );
  }
  return {
    state: 'complete',
    message: `daemon set "${name}" successfully rolled out`,
  };
}
