import {
  ChannelStatus,
  Deployment,
  RolloutHealth,
} from '@slipway/plugin-deploy-common';

/** Statuses in which the engine is judging a rollout. */
const JUDGING = new Set(['rolling_out', 'soaking', 'rolling_back']);

const HEALTH: Record<'progressing' | 'complete' | 'failed', RolloutHealth> = {
  progressing: 'Progressing',
  complete: 'Healthy',
  failed: 'Degraded',
};

/**
 * A channel's live status with the engine's judgement in place of the
 * watch's own while a deployment's rollout is being judged: the Deploy tab
 * and the engine must not disagree about whether it is healthy (the engine
 * also requires its own revision, which the watch cannot see). The pods and
 * replicas stay live. An unreadable cluster is said as such.
 */
export function withEngineJudgement(
  status: ChannelStatus,
  active: Deployment | undefined,
): ChannelStatus {
  const verdict = active?.result?.verdict;
  if (!active || !verdict || !JUDGING.has(active.status) || status.error) {
    return status;
  }
  return {
    ...status,
    health: HEALTH[verdict.state],
    message: verdict.message,
    judgedBy: active.id,
  };
}
