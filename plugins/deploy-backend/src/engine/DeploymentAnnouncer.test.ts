import { mockServices } from '@backstage/backend-test-utils';
import { Deployment } from '@slipway/plugin-deploy-common';
import { DeploymentAnnouncer } from './DeploymentAnnouncer';

const deployment = (status: Deployment['status']): Deployment => ({
  id: '0190f2a4-0000-7000-8000-000000000001',
  service: 'checkout',
  ownerRef: 'group:default/team-payments',
  channel: 'prod',
  version: '2.0.0',
  status,
  requestedBy: 'user:default/alice',
  createdAt: '2026-11-27T10:00:00Z',
  result: {
    rollout: { state: 'failed', message: 'CrashLoopBackOff in pod checkout-1' },
  },
});

describe('DeploymentAnnouncer', () => {
  const signals = { publish: jest.fn().mockResolvedValue(undefined) };
  const notifications = { send: jest.fn().mockResolvedValue(undefined) };
  const announcer = new DeploymentAnnouncer(
    signals,
    notifications,
    mockServices.logger.mock(),
  );

  beforeEach(() => jest.clearAllMocks());

  it('signals open pages of the service on every change', async () => {
    await announcer.onChange(deployment('rolling_out'));
    expect(signals.publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'deploy:service:checkout',
      message: {
        type: 'deployment-changed',
        deploymentId: '0190f2a4-0000-7000-8000-000000000001',
        status: 'rolling_out',
      },
    });
    expect(notifications.send).not.toHaveBeenCalled();
  });

  it.each(['failed', 'rolled_back'] as const)(
    'tells the owning team when a deployment %s',
    async status => {
      await announcer.onChange(deployment(status));
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: 'group:default/team-payments',
          },
          payload: expect.objectContaining({
            severity: 'high',
            description: 'CrashLoopBackOff in pod checkout-1',
          }),
        }),
      );
    },
  );

  it('keeps going when notifications are down', async () => {
    notifications.send.mockRejectedValueOnce(
      new Error('notifications backend unavailable'),
    );
    await expect(
      announcer.onChange(deployment('failed')),
    ).resolves.toBeUndefined();
  });
});
