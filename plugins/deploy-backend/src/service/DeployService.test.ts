import { TestDatabases } from '@backstage/backend-test-utils';
import { ReleaseChannel } from '@slipway/plugin-deploy-common';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { DeployService } from './DeployService';

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
const channel = (
  name: string,
  order: number,
  extra: Partial<ReleaseChannel['policy']> = {},
): ReleaseChannel => ({
  name,
  order,
  cluster: 'local',
  namespacePattern: 'slipway-{channel}',
  policy: { ...policy, ...extra },
});
const channels = [
  channel('dev', 0),
  channel('staging', 1),
  // Weekdays 09:00–17:00 UTC only.
  channel('prod', 2, {
    approvalRequired: true,
    deployWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
  }),
];
const alice = { userEntityRef: 'user:default/alice', mayOverride: false };
const erin = { userEntityRef: 'user:default/erin', mayOverride: true };
const tuesdayNoon = new Date('2026-11-24T12:00:00Z');
const saturdayNoon = new Date('2026-11-28T12:00:00Z');

describe('DeployService', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(now = tuesdayNoon) {
    const store = await DatabaseDeploymentStore.fromKnex(
      await databases.init('SQLITE_3'),
    );
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: {
        image: 'registry.example.com/checkout',
        port: 8080,
        channels: {},
      },
    });
    const service = new DeployService(store, channels, () => now);
    const succeed = async (channelName: string, version: string) => {
      const d = await service.createDeployment(
        { service: 'checkout', channel: channelName, version },
        erin,
      );
      await store.transition(d.id, {
        from: ['requested', 'awaiting_approval'],
        to: 'succeeded',
      });
      return d;
    };
    return { store, service, succeed };
  }

  it('lets a version into a channel only after it succeeded in the previous one', async () => {
    const { service, succeed } = await setup();
    await expect(
      service.createDeployment(
        { service: 'checkout', channel: 'staging', version: '1.0.0' },
        alice,
      ),
    ).rejects.toThrow('1.0.0 has not succeeded in dev yet');
    await succeed('dev', '1.0.0');
    const staged = await service.createDeployment(
      { service: 'checkout', channel: 'staging', version: '1.0.0' },
      alice,
    );
    expect(staged.status).toBe('requested');
  });

  it('promotes the version that last succeeded in the previous channel', async () => {
    const { service, succeed } = await setup();
    await expect(
      service.createDeployment({ service: 'checkout', channel: 'dev' }, alice),
    ).rejects.toThrow('version is required');
    await expect(
      service.createDeployment(
        { service: 'checkout', channel: 'staging' },
        alice,
      ),
    ).rejects.toThrow('no version of checkout has succeeded in dev yet');
    await succeed('dev', '1.0.0');
    await succeed('dev', '1.1.0');
    const promoted = await service.createDeployment(
      { service: 'checkout', channel: 'staging' },
      alice,
    );
    expect(promoted.version).toBe('1.1.0');
  });

  it('records an override, and refuses one from someone who may not', async () => {
    const { service, store } = await setup();
    await expect(
      service.createDeployment(
        {
          service: 'checkout',
          channel: 'staging',
          version: '9.9.9',
          overrideReason: 'hotfix',
        },
        alice,
      ),
    ).rejects.toThrow('you may not override the promotion rule');
    const overridden = await service.createDeployment(
      {
        service: 'checkout',
        channel: 'staging',
        version: '9.9.9',
        overrideReason: 'hotfix for INC-42',
      },
      erin,
    );
    expect(overridden.overrideReason).toBe('hotfix for INC-42');
    const events = await store.listEvents(overridden.id);
    expect(events[0].message).toContain(
      'promotion order overridden: hotfix for INC-42',
    );
  });

  it('keeps production closed outside its deploy window', async () => {
    const { service, succeed } = await setup(saturdayNoon);
    await succeed('dev', '1.0.0');
    await succeed('staging', '1.0.0');
    await expect(
      service.createDeployment(
        { service: 'checkout', channel: 'prod', version: '1.0.0' },
        alice,
      ),
    ).rejects.toThrow('prod takes deployments only 09:00–17:00 UTC');
  });

  it('waits for an approval by someone other than the requester', async () => {
    const { service, succeed } = await setup();
    await succeed('dev', '1.0.0');
    await succeed('staging', '1.0.0');
    const prod = await service.createDeployment(
      { service: 'checkout', channel: 'prod', version: '1.0.0' },
      alice,
    );
    expect(prod.status).toBe('awaiting_approval');
    await expect(
      service.approve(prod.id, 'user:default/alice'),
    ).rejects.toThrow('needs approval by someone other than the requester');
    const approved = await service.approve(prod.id, 'user:default/bob');
    expect(approved).toMatchObject({
      status: 'requested',
      approvedBy: 'user:default/bob',
    });
    await expect(service.approve(prod.id, 'user:default/bob')).rejects.toThrow(
      'not awaiting approval',
    );
  });

  it('stops a deployment in any status that is not final, and fences out its driver', async () => {
    const { service, store } = await setup();
    const queued = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.0.0' },
      alice,
    );
    expect((await service.cancel(queued.id, 'user:default/alice')).status).toBe(
      'cancelled',
    );
    const rolling = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.0.1' },
      alice,
    );
    const claimed = await store.claimNext({ workerId: 'w', leaseSeconds: 60 });
    expect(claimed?.id).toBe(rolling.id);
    await store.transition(rolling.id, {
      from: ['requested'],
      to: 'soaking',
      startedAt: '2026-11-27T10:00:00.000Z',
      claim: claimed!.claim,
    });
    const stopped = await service.cancel(rolling.id, 'user:default/alice');
    expect(stopped.status).toBe('cancelled');
    const events = await store.listEvents(rolling.id);
    expect(events[events.length - 1].message).toBe(
      'Cancelled by user:default/alice while soaking. Its objects stay as they were applied; roll back to restore the last version that succeeded',
    );
    // The driver's claim is gone: its next write changes nothing.
    expect(await store.heartbeat(rolling.id, claimed!.claim!)).toBe(false);
    await expect(
      service.cancel(rolling.id, 'user:default/alice'),
    ).rejects.toThrow('already ended (cancelled)');
  });

  it('pre-empts a rollout with a rollback, restoring the last version that succeeded', async () => {
    const { service, store, succeed } = await setup();
    await succeed('dev', '1.0.0');
    await succeed('dev', '1.1.0');
    const rolling = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.2.0' },
      alice,
    );
    await store.transition(rolling.id, {
      from: ['requested'],
      to: 'rolling_out',
      startedAt: '2026-11-27T10:00:00.000Z',
    });
    const rollback = await service.rollback('checkout', 'dev', alice);
    expect(rollback).toMatchObject({
      version: '1.1.0',
      status: 'requested',
      overrideReason: 'rollback from 1.2.0',
    });
    expect((await store.getDeployment(rolling.id))?.status).toBe('cancelled');
    // A rollback under way, even one not started yet, is not pre-empted by
    // another: two people pressing the button get one rollback.
    await expect(service.rollback('checkout', 'dev', alice)).rejects.toThrow(
      'already rolling back',
    );
  });

  it('refuses a rollback with nothing to restore without stopping what runs', async () => {
    const { service, store } = await setup();
    const rolling = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.0.0' },
      alice,
    );
    await expect(service.rollback('checkout', 'dev', alice)).rejects.toThrow(
      'no earlier successful version',
    );
    expect((await store.getDeployment(rolling.id))?.status).toBe('requested');
  });

  it('rolls back to the last version that succeeded before the current one', async () => {
    const { service, succeed } = await setup();
    await expect(service.rollback('checkout', 'dev', alice)).rejects.toThrow(
      'no earlier successful version',
    );
    await succeed('dev', '1.0.0');
    await succeed('dev', '1.1.0');
    const rollback = await service.rollback('checkout', 'dev', alice);
    expect(rollback).toMatchObject({
      version: '1.0.0',
      status: 'requested',
      overrideReason: 'rollback from 1.1.0',
    });
  });

  it('warns, on rolling back, that migrations since the restored version are not undone', async () => {
    const { service, store, succeed } = await setup();
    await succeed('dev', '1.0.0');
    const migrated = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.1.0' },
      erin,
    );
    await store.transition(migrated.id, {
      from: ['requested'],
      to: 'succeeded',
      result: { migration: { state: 'succeeded', message: 'done' } },
    });
    const rollback = await service.rollback('checkout', 'dev', alice);
    const events = await store.listEvents(rollback.id);
    expect(events.map(e => e.type)).toEqual(['requested', 'schema-warning']);
    expect(events[1].message).toBe(
      'Migrations ran in dev after 1.0.0 was deployed (with 1.1.0); the restored version runs against the schema they left, which Slipway does not undo',
    );
  });

  it('rolls back to the last version that succeeded when a failed rollout was left in place', async () => {
    const { service, store, succeed } = await setup();
    await succeed('dev', '1.0.0');
    const failed = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.1.0' },
      erin,
    );
    await store.transition(failed.id, {
      from: ['requested'],
      to: 'failed',
      result: {
        appliedAt: '2026-11-27T10:00:00.000Z',
        rollout: { state: 'failed', message: 'crash loop' },
      },
    });
    const rollback = await service.rollback('checkout', 'dev', alice);
    expect(rollback).toMatchObject({
      version: '1.0.0',
      overrideReason: 'rollback from 1.1.0',
    });
    expect((await store.listEvents(rollback.id)).map(e => e.type)).toEqual([
      'requested',
    ]);
  });

  it('re-applies the running version, saying so, when the failed one applied nothing', async () => {
    const { service, store, succeed } = await setup();
    await succeed('dev', '1.0.0');
    await succeed('dev', '1.1.0');
    const refused = await service.createDeployment(
      { service: 'checkout', channel: 'dev', version: '1.2.0' },
      erin,
    );
    // Refused in its dry run: 1.1.0 still runs.
    await store.transition(refused.id, { from: ['requested'], to: 'failed' });
    const rollback = await service.rollback('checkout', 'dev', alice);
    expect(rollback.version).toBe('1.1.0');
    expect((await store.listEvents(rollback.id))[0].message).toBe(
      'Rollback of dev to 1.1.0, which still runs (1.2.0 failed before anything of it was applied): its set is applied again',
    );
  });

  it('names the known channels when a channel does not exist', async () => {
    const { service } = await setup();
    expect(() => service.channel('qa')).toThrow(
      'known channels: dev, staging, prod',
    );
  });
});
