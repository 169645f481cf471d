import { DeploymentShape, PodShape } from './kubernetesShapes';
import {
  DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
  UnrecoverablePod,
  findUnrecoverablePod,
} from './findUnrecoverablePod';

/**
 * The judgement of a workload's rollout (Deployment, StatefulSet, DaemonSet)
 * at one moment.
 *
 * @public
 */
export interface RolloutVerdict {
  state: 'progressing' | 'complete' | 'failed';
  message: string;
  /**
   * Why it failed: `ProgressDeadlineExceeded`, `RevisionChanged`, or a
   * container's waiting reason. On a complete verdict, `RolloutNotGated` when
   * the workload's `OnDelete` update strategy leaves no rollout to wait for.
   */
  reason?: string;
  /** The pod that made the rollout fail early, when one did. */
  failingPod?: UnrecoverablePod;
}

/**
 * What every workload judgement takes besides the workload itself.
 *
 * @public
 */
export interface EvaluateWorkloadOptions {
  /** Pods of the new revision; their container states let a rollout fail early. */
  pods?: PodShape[];
  crashLoopRestartThreshold?: number;
}

/** @public */
export interface EvaluateRolloutOptions extends EvaluateWorkloadOptions {
  /** The `deployment.kubernetes.io/revision` the caller expects, when it knows it. */
  expectedRevision?: string;
  /**
   * When the caller applied the revision it judges (ISO time): a
   * `ProgressDeadlineExceeded` condition last updated before then belongs
   * to an earlier rollout (a rollback to an existing ReplicaSet can see it)
   * and is ignored.
   */
  appliedAt?: string;
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * Judges a Deployment's rollout with the checks of `kubectl rollout status`,
 * in kubectl's order, and fails early when a pod of the new revision is stuck
 * for good (image pull back-off, crash loop past a threshold, bad config).
 *
 * @public
 */
export function evaluateRollout(
  deployment: DeploymentShape,
  options: EvaluateRolloutOptions = {},
): RolloutVerdict {
  const name = deployment.metadata?.name ?? 'deployment';
  const status = deployment.status ?? {};

  if (options.expectedRevision !== undefined) {
    const revision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
    if (revision !== undefined && revision !== options.expectedRevision) {
      return {
        state: 'failed',
        reason: 'RevisionChanged',
        message: `${name} is at revision ${revision}, not ${options.expectedRevision}: someone else changed it`,
      };
    }
  }

  if (
    (deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)
  ) {
    return {
      state: 'progressing',
      message: 'Waiting for deployment spec update to be observed',
    };
  }

  const progressing = status.conditions?.find(c => c.type === 'Progressing');
  const conditionTime =
    progressing?.lastUpdateTime ?? progressing?.lastTransitionTime;
  const stale =
    options.appliedAt !== undefined &&
    conditionTime !== undefined &&
    Date.parse(String(conditionTime)) < Date.parse(options.appliedAt);
  if (progressing?.reason === 'ProgressDeadlineExceeded' && !stale) {
    return {
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `${name} exceeded its progress deadline`,
    };
  }

  const waiting = waitingMessage(deployment);
  if (!waiting) {
    return { state: 'complete', message: `${name} successfully rolled out` };
  }
  return waitUnlessStuck(waiting, options);
}

/**
 * A rollout that is still waiting: progressing, unless a pod of the new
 * revision is stuck for good, which fails it early. Shared by the workload
 * judgements so they fail alike.
 */
export function waitUnlessStuck(
  waiting: string,
  options: EvaluateWorkloadOptions,
): RolloutVerdict {
  const stuck = findUnrecoverablePod(
    options.pods ?? [],
    options.crashLoopRestartThreshold ?? DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
  );
  if (stuck) {
    return {
      state: 'failed',
      reason: stuck.reason,
      message: `${stuck.reason} in pod ${stuck.pod}: ${stuck.message}`,
      failingPod: stuck,
    };
  }
  return { state: 'progressing', message: waiting };
}

/** kubectl's three waits, in its order; undefined when none applies. */
function waitingMessage(deployment: DeploymentShape): string | undefined {
  const desired = deployment.spec?.replicas;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;

  if (desired !== undefined && updated < desired) {
    return `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated`;
  }
  if (total > updated) {
    return `Waiting for rollout to finish: ${
      total - updated
    } old replicas are pending termination`;
  }
  if (available < updated) {
    return `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available`;
  }
  return undefined;
}

/**
 * The verdict for a workload whose update strategy is not `RollingUpdate`.
 * kubectl answers "done" with an error; Slipway has nothing to wait for, so the
 * rollout is complete but not gated, and says so.
 */
export function notGated(name: string, strategy: string): RolloutVerdict {
  return {
    state: 'complete',
    reason: 'RolloutNotGated',
    message: `rollout status is only available for RollingUpdate strategy type: ${name} uses ${strategy}, so its rollout is not gated`,
  };
}
