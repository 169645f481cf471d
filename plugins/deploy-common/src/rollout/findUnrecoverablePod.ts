import { ContainerStatusShape, PodShape } from './kubernetesShapes';

/**
 * Why a pod cannot become healthy without someone changing something.
 *
 * @public
 */
export interface UnrecoverablePod {
  pod: string;
  container: string;
  reason: string;
  message: string;
  restartCount: number;
  exitCode?: number;
}

/**
 * Waiting reasons that no amount of waiting fixes: the image can't be pulled,
 * or the container can't even be created from its spec.
 */
const HOPELESS_WAITING_REASONS = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
]);

/**
 * Crash loops get a few restarts before the rollout is called failed.
 *
 * @public
 */
export const DEFAULT_CRASH_LOOP_RESTART_THRESHOLD = 3;

function judgeContainer(
  pod: string,
  status: ContainerStatusShape,
  crashLoopRestartThreshold: number,
): UnrecoverablePod | undefined {
  const waiting = status.state?.waiting;
  const reason = waiting?.reason;
  if (!reason) {
    return undefined;
  }
  const restartCount = status.restartCount ?? 0;
  const lastExit = status.lastState?.terminated;
  if (HOPELESS_WAITING_REASONS.has(reason)) {
    return {
      pod,
      container: status.name,
      reason,
      message: waiting.message ?? reason,
      restartCount,
    };
  }
  if (
    reason === 'CrashLoopBackOff' &&
    restartCount >= crashLoopRestartThreshold
  ) {
    const exit = lastExit
      ? ` (last exit: ${lastExit.reason ?? 'terminated'}, code ${
          lastExit.exitCode
        })`
      : '';
    return {
      pod,
      container: status.name,
      reason,
      message: `container ${status.name} restarted ${restartCount} times${exit}`,
      restartCount,
      exitCode: lastExit?.exitCode,
    };
  }
  return undefined;
}

/**
 * Finds the first container among the pods that is stuck for good, so a
 * rollout or a Job can fail early instead of waiting out its deadline.
 *
 * @public
 */
export function findUnrecoverablePod(
  pods: PodShape[],
  crashLoopRestartThreshold = DEFAULT_CRASH_LOOP_RESTART_THRESHOLD,
): UnrecoverablePod | undefined {
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    for (const status of statuses) {
      const verdict = judgeContainer(name, status, crashLoopRestartThreshold);
      if (verdict) {
        return verdict;
      }
    }
  }
  return undefined;
}
