import { ChannelStatus, Deployment } from '@slipway/plugin-deploy-common';
import { withEngineJudgement } from './engineJudgement';

const live: ChannelStatus = {
  channel: 'dev',
  health: 'Healthy',
  replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
  conditions: [],
  message: 'checkout successfully rolled out',
  pods: [],
};

function deployment(
  status: Deployment['status'],
  verdict?: 'progressing' | 'complete' | 'failed',
): Deployment {
  return {
    id: 'd-1',
    service: 'checkout',
    ownerRef: 'group:default/team-payments',
    channel: 'dev',
    version: '1.1.0',
    status,
    requestedBy: 'user:default/alice',
    createdAt: '2026-12-02T10:00:00.000Z',
    result: verdict && {
      verdict: {
        state: verdict,
        message: `engine: ${verdict}`,
        at: '2026-12-02T10:00:05.000Z',
      },
    },
  };
}

describe('withEngineJudgement', () => {
  it("shows the engine's verdict while it judges the rollout, keeping the live pods", () => {
    expect(
      withEngineJudgement(live, deployment('rolling_out', 'progressing')),
    ).toEqual({
      ...live,
      health: 'Progressing',
      message: 'engine: progressing',
      judgedBy: 'd-1',
    });
    expect(
      withEngineJudgement(live, deployment('soaking', 'failed')).health,
    ).toBe('Degraded');
  });

  it('leaves the live judgement alone when no rollout is being judged', () => {
    expect(withEngineJudgement(live, undefined)).toBe(live);
    expect(withEngineJudgement(live, deployment('migrating'))).toBe(live);
    expect(withEngineJudgement(live, deployment('rolling_out'))).toBe(live);
    const unreadable = { ...live, error: 'Cluster "local" could not be read' };
    expect(
      withEngineJudgement(unreadable, deployment('rolling_out', 'complete')),
    ).toBe(unreadable);
  });
});
