import {
  Deployment,
  DeploymentAutomation,
  ReleaseChannel,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { StoredRelease } from '../database/DeploymentStore';

/** Something a channel rule asks for. */
export type DeliveryAction =
  | {
      kind: 'deploy';
      channel: string;
      version: string;
      automation: DeploymentAutomation;
    }
  | {
      kind: 'supersede';
      channel: string;
      deploymentId: string;
      /** The release that takes its place. */
      by: string;
    };

/** One service's state, as the rules read it. */
export interface DeliveryState {
  channels: ReleaseChannel[];
  /** Recent releases, newest first, with their publication order. */
  releases: StoredRelease[];
  /** The service's recent deployments, newest first. */
  deployments: Deployment[];
}

/**
 * What the channels' rules ask for now, given a service's releases and
 * deployments: a pure function, run again whenever something changed (a
 * release published, a deployment ended) and on a timer, so the outcome
 * does not depend on which replica runs it or whether one crashed.
 *
 * - `autoDeploy`: the channel takes the newest release.
 * - `autoPromote`: the channel takes what the previous channel runs, once it
 *   succeeded there (a deployment succeeds only after its soak).
 * - A rule delivers a release to a channel at most once, and only a release
 *   newer than every release the channel has seen (deployed, attempted or
 *   stopped): nothing deploys out of order, and a release that failed or was
 *   stopped in a channel is not tried there again — the pipeline holds there
 *   until a newer release comes or a person acts.
 * - A newer release supersedes an older one a rule left waiting (for an
 *   approval or a window); a person's request, or a running deployment, is
 *   never interrupted: the rule acts again once it ends.
 */
export function decideDelivery(state: DeliveryState): DeliveryAction[] {
  const { channels, releases, deployments } = state;
  const bySeq = new Map(releases.map(r => [r.version, r]));
  const actions: DeliveryAction[] = [];
  for (const channel of channels) {
    const { autoDeploy, autoPromote } = channel.policy;
    if (!autoDeploy && !autoPromote) {
      continue;
    }
    const candidate = autoDeploy
      ? newestRelease(releases)
      : promotable(channels, channel, deployments, bySeq);
    if (!candidate) {
      continue;
    }
    const here = deployments.filter(d => d.channel === channel.name);
    const seen = Math.max(
      0,
      ...here
        .filter(d => !d.result?.supersededBy)
        .map(d => bySeq.get(d.version)?.seq ?? 0),
    );
    // Superseded deployments count as seen only for their own release.
    const tried = here.some(d => d.version === candidate.release.version);
    if (tried || candidate.release.seq <= seen) {
      continue;
    }
    const active = here.find(d => !isFinalDeploymentStatus(d.status));
    if (active) {
      const waiting =
        active.automation &&
        !active.startedAt &&
        (active.status === 'awaiting_approval' ||
          active.status === 'requested');
      if (!waiting) {
        continue;
      }
      actions.push({
        kind: 'supersede',
        channel: channel.name,
        deploymentId: active.id,
        by: candidate.release.version,
      });
    }
    actions.push({
      kind: 'deploy',
      channel: channel.name,
      version: candidate.release.version,
      automation: candidate.automation,
    });
  }
  return actions;
}

interface Candidate {
  release: StoredRelease;
  automation: DeploymentAutomation;
}

function newestRelease(releases: StoredRelease[]): Candidate | undefined {
  const [newest] = releases;
  return (
    newest && {
      release: newest,
      automation: {
        rule: 'auto-deploy',
        reason: `${newest.version} was published by ${newest.publishedBy}`,
      },
    }
  );
}

/** What the previous channel runs now, when it is a release that succeeded there. */
function promotable(
  channels: ReleaseChannel[],
  channel: ReleaseChannel,
  deployments: Deployment[],
  bySeq: Map<string, StoredRelease>,
): Candidate | undefined {
  const previous = channels.find(c => c.order === channel.order - 1);
  if (!previous) {
    return undefined;
  }
  const running = deployments.find(
    d => d.channel === previous.name && d.status === 'succeeded',
  );
  const release = running && bySeq.get(running.version);
  if (!running || !release) {
    return undefined;
  }
  const soaked =
    previous.policy.soakSeconds > 0
      ? ` and soaked ${previous.policy.soakSeconds} s`
      : '';
  return {
    release,
    automation: {
      rule: 'auto-promote',
      reason: `${release.version} succeeded${soaked} in ${previous.name}`,
    },
  };
}
