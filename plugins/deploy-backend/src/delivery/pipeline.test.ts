import { Deployment, ReleaseChannel } from '@slipway/plugin-deploy-common';
import { StoredRelease } from '../database/DeploymentStore';
import { computePipeline } from './pipeline';
import { releasesBetween } from './releasesBetween';

const policy = {
  approvalRequired: false,
  approverMustDiffer: true,
  soakSeconds: 60,
  soakUnavailableSeconds: 60,
  autoRollback: true,
  progressDeadlineSeconds: 60,
  autoDeploy: false,
  autoPromote: false,
  releasesOnly: false,
};
const channels: ReleaseChannel[] = ['dev', 'staging', 'prod'].map(
  (name, order) => ({
    name,
    order,
    cluster: 'local',
    namespacePattern: 'slipway-{channel}',
    policy: {
      ...policy,
      approvalRequired: name === 'prod',
      deployWindow:
        name === 'prod'
          ? { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }
          : undefined,
    },
  }),
);
const release = (version: string, seq: number): StoredRelease => ({
  seq,
  service: 'shop',
  version,
  publishedBy: 'service:external:ci',
  publishedAt: '2026-12-03T10:00:00.000Z',
});
let nextId = 0;
const deployment = (
  channel: string,
  version: string,
  status: Deployment['status'],
  extra: Partial<Deployment> = {},
): Deployment => ({
  id: `d${++nextId}`,
  service: 'shop',
  ownerRef: 'group:default/team-shop',
  channel,
  version,
  status,
  requestedBy: 'slipway:rule/auto-promote',
  createdAt: '2026-12-03T10:00:00.000Z',
  ...extra,
});
const service = { name: 'shop', ownerRef: 'group:default/team-shop' };
// A Saturday: prod's window (weekdays) is closed.
const saturday = new Date('2026-12-05T12:00:00.000Z');

describe('computePipeline', () => {
  it('says where each release stands in every channel', () => {
    const deployments = [
      deployment('dev', '1.2.0', 'soaking', {
        result: {
          rollout: {
            state: 'complete',
            message: 'ok',
            completedAt: '2026-12-05T11:59:30.000Z',
          },
        },
      }),
      deployment('prod', '1.1.0', 'awaiting_approval'),
      deployment('staging', '1.1.0', 'succeeded'),
      deployment('dev', '1.1.0', 'succeeded'),
      deployment('dev', '1.0.5', 'rolled_back'),
      deployment('prod', '1.0.0', 'succeeded'),
    ];
    const pipeline = computePipeline({
      service,
      channels,
      releases: [
        release('1.2.0', 4),
        release('1.1.0', 3),
        release('1.0.5', 2),
        release('1.0.0', 1),
      ],
      deployments,
      now: saturday,
    });
    const states = Object.fromEntries(
      pipeline.releases.map(r => [
        r.release.version,
        r.stages.map(s =>
          [s.state, s.waitingFor, s.current].filter(Boolean).join(':'),
        ),
      ]),
    );
    expect(states).toEqual({
      '1.2.0': ['waiting:soak', 'pending', 'pending'],
      '1.1.0': ['deployed:true', 'deployed:true', 'waiting:approval'],
      '1.0.5': ['failed', 'superseded', 'superseded'],
      '1.0.0': ['superseded', 'superseded', 'deployed:true'],
    });
    const soak = pipeline.releases[0].stages[0];
    expect(soak.soakEndsAt).toBe('2026-12-05T12:00:30.000Z');
    const approval = pipeline.releases[1].stages[2];
    expect(approval.approvers).toEqual(['group:default/team-shop']);
    expect(approval.message).toMatch(/someone other than slipway:rule/);
    expect(pipeline.releases[0].release).not.toHaveProperty('seq');
  });

  it('shows a waiting window, a superseded deployment and one replaced later', () => {
    const pipeline = computePipeline({
      service,
      channels,
      releases: [release('1.2.0', 2), release('1.1.0', 1)],
      deployments: [
        deployment('prod', '1.2.0', 'requested'),
        deployment('prod', '1.1.0', 'cancelled', {
          result: { supersededBy: '1.2.0' },
        }),
        deployment('dev', '1.2.0', 'succeeded'),
        deployment('dev', '1.1.0', 'succeeded'),
      ],
      now: saturday,
    });
    const [newer, older] = pipeline.releases;
    expect(newer.stages[2]).toMatchObject({
      state: 'waiting',
      waitingFor: 'window',
      window: expect.stringMatching(/09:00/),
    });
    expect(older.stages[2]).toMatchObject({
      state: 'superseded',
      message: 'Superseded by 1.2.0',
    });
    expect(older.stages[0]).toMatchObject({
      state: 'deployed',
      current: false,
    });
  });
});

describe('releasesBetween', () => {
  const releases = [
    release('1.3.0', 4),
    release('1.2.0', 3),
    release('1.1.0', 2),
    release('1.0.0', 1),
  ];

  it('lists what head runs and base does not, newest first', () => {
    const changes = releasesBetween(
      { channel: 'prod', version: '1.0.0' },
      { channel: 'staging', version: '1.2.0' },
      releases,
    );
    expect(changes.releases.map(r => r.version)).toEqual(['1.2.0', '1.1.0']);
  });

  it('lists everything up to head when base runs no release, nothing when head is behind', () => {
    expect(
      releasesBetween(
        { channel: 'prod' },
        { channel: 'staging', version: '1.1.0' },
        releases,
      ).releases.map(r => r.version),
    ).toEqual(['1.1.0', '1.0.0']);
    expect(
      releasesBetween(
        { channel: 'prod', version: '1.3.0' },
        { channel: 'staging', version: '1.1.0' },
        releases,
      ).releases,
    ).toEqual([]);
    expect(
      releasesBetween({ channel: 'prod' }, { channel: 'staging' }, releases)
        .releases,
    ).toEqual([]);
  });
});
