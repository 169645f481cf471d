import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { ReleaseChannel } from '@slipway/plugin-deploy-common';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { DeployService } from '../service/DeployService';
import { DeliveryController } from './DeliveryController';

const policy = {
  approvalRequired: false,
  approverMustDiffer: true,
  soakSeconds: 0,
  soakUnavailableSeconds: 60,
  autoRollback: true,
  progressDeadlineSeconds: 60,
  autoDeploy: false,
  autoPromote: false,
  releasesOnly: false,
};
const channels: ReleaseChannel[] = [
  { name: 'dev', policy: { ...policy, autoDeploy: true } },
  {
    name: 'prod',
    policy: {
      ...policy,
      autoPromote: true,
      approvalRequired: true,
      behindAlertMinutes: 60,
    },
  },
].map((c, order) => ({
  ...c,
  order,
  cluster: 'local',
  namespacePattern: 'slipway-{channel}',
}));

describe('DeliveryController', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup() {
    const store = await DatabaseDeploymentStore.fromKnex(
      await databases.init('SQLITE_3'),
    );
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
    });
    const sent: NotificationSendOptions[] = [];
    let now = new Date();
    const deployService = new DeployService(store, channels);
    const controller = new DeliveryController({
      store,
      channels,
      deployService,
      notifications: {
        send: async (options: NotificationSendOptions) => {
          sent.push(options);
        },
      },
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    const finish = async (channel: string, version: string) => {
      const active = await store.getActiveDeployment('checkout', channel);
      expect(active?.version).toBe(version);
      await store.transition(active!.id, {
        from: ['requested', 'awaiting_approval'],
        to: 'succeeded',
      });
    };
    return {
      store,
      controller,
      sent,
      finish,
      later: (minutes: number) => {
        now = new Date(now.getTime() + minutes * 60_000);
      },
    };
  }

  it('deploys a new release, promotes it once it succeeded, and does each once', async () => {
    const { store, controller, finish } = await setup();
    await store.publishRelease('checkout', { version: '1.0.0' }, 'ci');
    expect(await controller.reconcile('checkout')).toEqual([
      expect.stringMatching(/^auto-deploy 1\.0\.0 to dev/),
    ]);
    // Again, as a second replica or the timer would: nothing more.
    expect(await controller.reconcile('checkout')).toEqual([]);
    await finish('dev', '1.0.0');
    expect(await controller.reconcile('checkout')).toEqual([
      expect.stringMatching(/^auto-promote 1\.0\.0 to prod/),
    ]);
    const prod = await store.getActiveDeployment('checkout', 'prod');
    expect(prod).toMatchObject({
      status: 'awaiting_approval',
      requestedBy: 'slipway:rule/auto-promote',
      automation: { rule: 'auto-promote', reason: '1.0.0 succeeded in dev' },
    });
    expect(await controller.reconcile('checkout')).toEqual([]);
  });

  it('tells the team once when a channel has been behind the previous one too long', async () => {
    const { store, controller, sent, finish, later } = await setup();
    await store.publishRelease('checkout', { version: '1.0.0' }, 'ci');
    await controller.reconcile('checkout');
    await finish('dev', '1.0.0');
    await controller.reconcile('checkout');
    await finish('prod', '1.0.0');
    await store.publishRelease('checkout', { version: '1.1.0' }, 'ci');
    await controller.reconcile('checkout');
    await finish('dev', '1.1.0');

    // prod has 1.1.0 waiting for an approval; after 30 minutes it is not
    // yet too long, after 61 it is — and said once, not on every sweep.
    later(30);
    await controller.sweep();
    expect(sent.filter(n => /is behind/.test(n.payload.title))).toEqual([]);
    later(31);
    await controller.sweep();
    await controller.sweep();
    const behind = sent.filter(n => /is behind/.test(n.payload.title));
    expect(behind).toHaveLength(1);
    expect(behind[0]).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: 'group:default/team-payments',
      },
      payload: {
        title: 'checkout: prod is behind dev',
        description: expect.stringMatching(/prod still runs 1\.0\.0/),
      },
    });
  });

  it('tells the team when the pipeline holds after a rule’s deployment failed', async () => {
    const { store, controller, sent } = await setup();
    await store.publishRelease('checkout', { version: '1.0.0' }, 'ci');
    await controller.reconcile('checkout');
    const dev = await store.getActiveDeployment('checkout', 'dev');
    await store.transition(dev!.id, { from: ['requested'], to: 'failed' });
    await controller.onChange((await store.getDeployment(dev!.id))!);
    await controller.idle();
    expect(sent.map(n => n.payload.title)).toEqual([
      'checkout: the pipeline holds at dev',
    ]);
    expect(sent[0].payload.description).toMatch(
      /1\.0\.0 failed in dev, so it will not be promoted to prod/,
    );
    // Held: neither retried nor promoted.
    expect(await controller.reconcile('checkout')).toEqual([]);
  });
});
