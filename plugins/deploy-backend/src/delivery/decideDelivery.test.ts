import { Deployment, ReleaseChannel } from '@slipway/plugin-deploy-common';
import { StoredRelease } from '../database/DeploymentStore';
import { decideDelivery } from './decideDelivery';

const policy = {
  approvalRequired: false,
  approverMustDiffer: true,
  soakSeconds: 30,
  soakUnavailableSeconds: 60,
  autoRollback: true,
  progressDeadlineSeconds: 60,
  autoDeploy: false,
  autoPromote: false,
  releasesOnly: false,
};
const channel = (
  name: string,
  order: number,
  extra: Partial<ReleaseChannel['policy']>,
): ReleaseChannel => ({
  name,
  order,
  cluster: 'local',
  namespacePattern: 'slipway-{channel}',
  policy: { ...policy, ...extra },
});
const channels = [
  channel('dev', 0, { autoDeploy: true }),
  channel('staging', 1, { autoPromote: true }),
  channel('prod', 2, { autoPromote: true, approvalRequired: true }),
];

const release = (version: string, seq: number): StoredRelease => ({
  seq,
  service: 'shop',
  version,
  publishedBy: 'service:external:ci',
  publishedAt: '2026-12-03T10:00:00.000Z',
});

let nextId = 0;
const deployment = (
  channelName: string,
  version: string,
  status: Deployment['status'],
  extra: Partial<Deployment> = {},
): Deployment => ({
  id: `d${++nextId}`,
  service: 'shop',
  ownerRef: 'group:default/team-shop',
  channel: channelName,
  version,
  status,
  requestedBy: 'user:default/alice',
  createdAt: '2026-12-03T10:00:00.000Z',
  ...extra,
});

/** Newest first, as the store lists them. */
const releases = [
  release('1.2.0', 3),
  release('1.1.0', 2),
  release('1.0.0', 1),
];

describe('decideDelivery', () => {
  it('deploys the newest release to the channel that takes new releases', () => {
    expect(decideDelivery({ channels, releases, deployments: [] })).toEqual([
      {
        kind: 'deploy',
        channel: 'dev',
        version: '1.2.0',
        automation: {
          rule: 'auto-deploy',
          reason: '1.2.0 was published by service:external:ci',
        },
      },
    ]);
  });

  it('promotes what the previous channel runs once it succeeded there, soak included', () => {
    const actions = decideDelivery({
      channels,
      releases,
      deployments: [deployment('dev', '1.2.0', 'succeeded')],
    });
    expect(actions).toEqual([
      {
        kind: 'deploy',
        channel: 'staging',
        version: '1.2.0',
        automation: {
          rule: 'auto-promote',
          reason: '1.2.0 succeeded and soaked 30 s in dev',
        },
      },
    ]);
  });

  it('does not promote a release still soaking or rolling out in the previous channel', () => {
    for (const status of ['soaking', 'rolling_out', 'migrating'] as const) {
      expect(
        decideDelivery({
          channels,
          releases,
          deployments: [deployment('dev', '1.2.0', status)],
        }),
      ).toEqual([]);
    }
  });

  it('never tries a release again in a channel where it failed or was stopped', () => {
    for (const status of ['failed', 'rolled_back', 'cancelled'] as const) {
      expect(
        decideDelivery({
          channels,
          releases,
          deployments: [
            deployment('dev', '1.2.0', status, {
              automation: { rule: 'auto-deploy', reason: 'r' },
            }),
          ],
        }),
      ).toEqual([]);
    }
  });

  it('does not promote past a failure: staging keeps the older release, prod waits', () => {
    // 1.1.0 succeeded everywhere up to staging; 1.2.0 failed in dev and dev
    // was rolled back to 1.1.0.
    const deployments = [
      deployment('dev', '1.1.0', 'succeeded', { overrideReason: 'rollback' }),
      deployment('dev', '1.2.0', 'rolled_back'),
      deployment('staging', '1.1.0', 'succeeded'),
      deployment('dev', '1.1.0', 'succeeded'),
    ];
    expect(decideDelivery({ channels, releases, deployments })).toEqual([
      expect.objectContaining({
        kind: 'deploy',
        channel: 'prod',
        version: '1.1.0',
      }),
    ]);
  });

  it('never deploys an older release after a newer one, even one a person deployed', () => {
    const deployments = [
      deployment('staging', '1.2.0', 'succeeded'),
      deployment('dev', '1.1.0', 'succeeded'),
    ];
    // dev runs 1.1.0 (someone deployed it by hand after 1.2.0 went through);
    // staging has seen 1.2.0 already: 1.1.0 is not promoted over it. dev
    // takes the newest, 1.2.0, which it has not seen; prod takes staging's.
    expect(decideDelivery({ channels, releases, deployments })).toEqual([
      expect.objectContaining({ channel: 'dev', version: '1.2.0' }),
      expect.objectContaining({ channel: 'prod', version: '1.2.0' }),
    ]);
  });

  it('supersedes an older release a rule left waiting for approval', () => {
    const waiting = deployment('prod', '1.1.0', 'awaiting_approval', {
      automation: { rule: 'auto-promote', reason: 'r' },
    });
    const deployments = [
      waiting,
      deployment('staging', '1.2.0', 'succeeded'),
      deployment('dev', '1.2.0', 'succeeded'),
    ];
    expect(decideDelivery({ channels, releases, deployments })).toEqual([
      {
        kind: 'supersede',
        channel: 'prod',
        deploymentId: waiting.id,
        by: '1.2.0',
      },
      expect.objectContaining({
        kind: 'deploy',
        channel: 'prod',
        version: '1.2.0',
      }),
    ]);
  });

  it("leaves a person's request and a running deployment alone", () => {
    for (const active of [
      deployment('prod', '1.1.0', 'awaiting_approval'),
      deployment('prod', '1.1.0', 'rolling_out', {
        automation: { rule: 'auto-promote', reason: 'r' },
        startedAt: '2026-12-03T10:00:00.000Z',
      }),
    ]) {
      const deployments = [
        active,
        deployment('staging', '1.2.0', 'succeeded'),
        deployment('dev', '1.2.0', 'succeeded'),
      ];
      expect(decideDelivery({ channels, releases, deployments })).toEqual([]);
    }
  });

  it('promotes no version that is not a published release', () => {
    const deployments = [deployment('dev', 'hotfix-by-hand', 'succeeded')];
    expect(
      decideDelivery({
        channels: [channels[0], channels[1]].map(c => ({
          ...c,
          policy: { ...c.policy, autoDeploy: false },
        })),
        releases,
        deployments,
      }),
    ).toEqual([]);
  });

  it('does nothing for channels without rules', () => {
    expect(
      decideDelivery({
        channels: channels.map(c => ({
          ...c,
          policy: { ...c.policy, autoDeploy: false, autoPromote: false },
        })),
        releases,
        deployments: [],
      }),
    ).toEqual([]);
  });
});
