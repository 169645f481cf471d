import { JobShape, PodShape } from './kubernetesShapes';
import { UnrecoverablePod, findUnrecoverablePod } from './findUnrecoverablePod';

/**
 * The judgement of a Job (a migration) at one moment.
 *
 * @public
 */
export interface JobVerdict {
  state: 'running' | 'succeeded' | 'failed';
  message: string;
  reason?: string;
  failingPod?: UnrecoverablePod;
}

function isTrue(job: JobShape, type: string) {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/**
 * Judges a Job from the conditions the Job controller sets, and fails early
 * when its pod can never start (for example, its image can't be pulled).
 *
 * @public
 */
export function evaluateJob(job: JobShape, pods: PodShape[] = []): JobVerdict {
  const name = job.metadata?.name ?? 'job';
  const complete = isTrue(job, 'Complete') ?? isTrue(job, 'SuccessCriteriaMet');
  if (complete) {
    return { state: 'succeeded', message: `${name} completed` };
  }
  // FailureTarget comes before Failed while the controller removes pods.
  const failed = isTrue(job, 'Failed') ?? isTrue(job, 'FailureTarget');
  if (failed) {
    const reason = failed.reason ?? 'Failed';
    const detail = failed.message ? `: ${failed.message}` : '';
    return {
      state: 'failed',
      reason,
      message: `${name} failed (${reason})${detail}`,
    };
  }
  // A Job's pods never crash-loop (restartPolicy Never), so only hopeless waits count.
  const stuck = findUnrecoverablePod(pods, Number.POSITIVE_INFINITY);
  if (stuck) {
    return {
      state: 'failed',
      reason: stuck.reason,
      message: `${stuck.reason} in pod ${stuck.pod}: ${stuck.message}`,
      failingPod: stuck,
    };
  }
  const s = job.status ?? {};
  return {
    state: 'running',
    message: `${name} running: ${s.active ?? 0} active, ${
      s.succeeded ?? 0
    } succeeded, ${s.failed ?? 0} failed`,
  };
}
