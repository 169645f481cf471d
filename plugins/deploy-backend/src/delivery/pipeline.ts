import {
  Deployment,
  PipelineResponse,
  PipelineStage,
  ReleaseChannel,
} from '@slipway/plugin-deploy-common';
import { StoredRelease } from '../database/DeploymentStore';
import { describeWindow, insideWindow } from '../service/deployWindow';

/** What the pipeline is computed from: one service's recent state. */
export interface PipelineInput {
  service: { name: string; ownerRef: string };
  channels: ReleaseChannel[];
  /** Recent releases, newest first. */
  releases: StoredRelease[];
  /** The service's recent deployments, newest first. */
  deployments: Deployment[];
  now: Date;
}

const DEPLOYING = new Set(['migrating', 'rolling_out', 'rolling_back']);

/**
 * Where each recent release stands in every channel, from the deployments
 * Slipway recorded: a pure function, so the tab, the `status` action and the
 * tests read the same answer.
 */
export function computePipeline(input: PipelineInput): PipelineResponse {
  const { channels, releases, deployments, now } = input;
  const seqOf = new Map(releases.map(r => [r.version, r.seq]));
  return {
    service: input.service.name,
    channels: channels.map(c => c.name),
    releases: releases.map(release => ({
      release: withoutSeq(release),
      stages: channels.map(channel => {
        const here = deployments.filter(d => d.channel === channel.name);
        const current = here.find(d => d.status === 'succeeded');
        const mine = here.find(d => d.version === release.version);
        if (!mine) {
          // A newer release got here first: this one will not come.
          const overtaken = here.some(
            d => (seqOf.get(d.version) ?? 0) > release.seq,
          );
          return overtaken
            ? stage(channel, 'superseded', {
                message: `A newer release reached ${channel.name} first`,
              })
            : stage(channel, 'pending', {
                message: `Not in ${channel.name} yet`,
              });
        }
        return stageOf(
          channel,
          mine,
          current?.version === release.version,
          input.service.ownerRef,
          now,
        );
      }),
    })),
  };
}

function withoutSeq(release: StoredRelease) {
  const { seq: _seq, ...rest } = release;
  return rest;
}

function stage(
  channel: ReleaseChannel,
  state: PipelineStage['state'],
  extra: Partial<PipelineStage> & { message: string },
  deployment?: Deployment,
): PipelineStage {
  return {
    channel: channel.name,
    state,
    ...(deployment && { deploymentId: deployment.id }),
    ...(deployment?.automation && { automation: deployment.automation }),
    ...extra,
  };
}

function stageOf(
  channel: ReleaseChannel,
  d: Deployment,
  current: boolean,
  ownerRef: string,
  now: Date,
): PipelineStage {
  switch (d.status) {
    case 'succeeded':
      return stage(
        channel,
        'deployed',
        {
          current,
          message: current
            ? `Running in ${channel.name}`
            : `Ran in ${channel.name}; a later deployment replaced it`,
        },
        d,
      );
    case 'awaiting_approval':
      return stage(
        channel,
        'waiting',
        {
          waitingFor: 'approval',
          approvers: [ownerRef],
          message: `Waiting for an approval${
            channel.policy.approverMustDiffer
              ? ` by someone other than ${d.requestedBy}`
              : ''
          }`,
        },
        d,
      );
    case 'soaking': {
      const completedAt = d.result?.rollout?.completedAt;
      const soakEndsAt = completedAt
        ? new Date(
            Date.parse(completedAt) + channel.policy.soakSeconds * 1000,
          ).toISOString()
        : undefined;
      return stage(
        channel,
        'waiting',
        {
          waitingFor: 'soak',
          ...(soakEndsAt && { soakEndsAt }),
          message: `Soaking in ${channel.name}${
            soakEndsAt ? ` until ${soakEndsAt}` : ''
          }`,
        },
        d,
      );
    }
    case 'requested': {
      const window = channel.policy.deployWindow;
      if (!d.startedAt && window && !insideWindow(window, now)) {
        const described = describeWindow(window);
        return stage(
          channel,
          'waiting',
          {
            waitingFor: 'window',
            window: described,
            message: `Waiting for ${channel.name}'s window (${described})`,
          },
          d,
        );
      }
      return stage(channel, 'deploying', { message: 'Starting' }, d);
    }
    case 'failed':
    case 'rolled_back':
      return stage(
        channel,
        'failed',
        {
          message:
            d.result?.rollout?.message ??
            d.result?.migration?.message ??
            `Deployment ${d.status.replace('_', ' ')}`,
        },
        d,
      );
    case 'cancelled':
      return d.result?.supersededBy
        ? stage(
            channel,
            'superseded',
            { message: `Superseded by ${d.result.supersededBy}` },
            d,
          )
        : stage(channel, 'cancelled', { message: 'Cancelled' }, d);
    case 'rejected':
      return stage(channel, 'rejected', { message: 'Rejected' }, d);
    default:
      return stage(
        channel,
        'deploying',
        {
          message: DEPLOYING.has(d.status)
            ? d.status.replace('_', ' ')
            : d.status,
        },
        d,
      );
  }
}
