import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { FailureEvidence } from '@slipway/plugin-deploy-common';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { ServiceRegistration } from './DeploymentStore';

jest.setTimeout(60_000);

const PAYMENTS = 'group:default/team-payments';
const SEARCH = 'group:default/team-search';

function checkout(
  overrides: Partial<ServiceRegistration> = {},
): ServiceRegistration {
  return {
    name: 'checkout',
    entityRef: 'component:default/checkout',
    ownerRef: PAYMENTS,
    spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
    ...overrides,
  };
}

describe('DatabaseDeploymentStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    return { knex, store };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('brings the schema up on create, unless migrations are skipped', async () => {
      const skipped = await databases.init(databaseId);
      await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex: skipped }),
        skipMigrations: true,
      });
      expect(await skipped.schema.hasTable('deployments')).toBe(false);
      await DatabaseDeploymentStore.create({
        database: mockServices.database({
          knex: skipped,
          migrations: { skip: true },
        }),
      });
      expect(await skipped.schema.hasTable('deployments')).toBe(false);

      const knex = await databases.init(databaseId);
      const store = await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await knex.schema.hasTable('deployments')).toBe(true);
      expect(await store.listServices()).toEqual([]);
    });

    it('registers a service once and updates it when its entity registers again', async () => {
      const { store } = await createStore(databaseId);

      const registered = await store.registerService(checkout());
      expect(registered).toMatchObject({
        name: 'checkout',
        entityRef: 'component:default/checkout',
        ownerRef: PAYMENTS,
        spec: { image: 'registry.example/checkout', port: 8080 },
      });
      expect(new Date(registered.createdAt).toISOString()).toBe(
        registered.createdAt,
      );

      const again = await store.registerService(
        checkout({
          ownerRef: SEARCH,
          spec: {
            image: 'registry.example/checkout',
            port: 9090,
            channels: {},
          },
        }),
      );
      expect(again).toMatchObject({ ownerRef: SEARCH, spec: { port: 9090 } });
      expect(again.createdAt).toBe(registered.createdAt);
      expect(await store.listServices()).toHaveLength(1);
      expect(await store.getService('checkout')).toEqual(again);
      expect(
        await store.getServiceByEntityRef('component:default/checkout'),
      ).toEqual(again);
      expect(await store.getService('nope')).toBeUndefined();
    });

    it('refuses a name or an entity that belongs to another registration', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());

      await expect(
        store.registerService(
          checkout({ entityRef: 'component:default/other' }),
        ),
      ).rejects.toThrow(
        new ConflictError(
          "The service name 'checkout' is taken by component:default/checkout; choose another name",
        ),
      );
      await expect(
        store.registerService(checkout({ name: 'checkout-2' })),
      ).rejects.toThrow(
        new ConflictError(
          "component:default/checkout is already registered as the service 'checkout'",
        ),
      );
    });

    it('lists services by name, optionally of one owner', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(
        checkout({
          name: 'search',
          entityRef: 'component:default/search',
          ownerRef: SEARCH,
        }),
      );
      await store.registerService(checkout());
      await store.registerService(
        checkout({ name: 'billing', entityRef: 'component:default/billing' }),
      );

      expect((await store.listServices()).map(s => s.name)).toEqual([
        'billing',
        'checkout',
        'search',
      ]);
      expect(
        (await store.listServices({ ownerRef: PAYMENTS })).map(s => s.name),
      ).toEqual(['billing', 'checkout']);
    });

    it('moves a service and its deployment history to a new owner', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const first = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
      await store.transition(first.id, {
        from: ['requested'],
        to: 'succeeded',
      });
      await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.1',
        requestedBy: 'user:default/alice',
      });

      const moved = await store.updateServiceOwner('checkout', SEARCH);
      expect(moved.ownerRef).toBe(SEARCH);

      const searchHistory = await store.listDeployments({ team: SEARCH });
      expect(searchHistory.items.map(d => d.version)).toEqual([
        '1.0.1',
        '1.0.0',
      ]);
      expect(searchHistory.items.every(d => d.ownerRef === SEARCH)).toBe(true);
      expect((await store.listDeployments({ team: PAYMENTS })).items).toEqual(
        [],
      );
      await expect(store.updateServiceOwner('nope', SEARCH)).rejects.toThrow(
        NotFoundError,
      );
    });

    it('allows one active deployment per service and channel, until it ends', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());

      const first = await store.createDeployment({
        service: 'checkout',
        channel: 'prod',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
      expect(first).toMatchObject({
        service: 'checkout',
        ownerRef: PAYMENTS,
        channel: 'prod',
        version: '1.0.0',
        status: 'requested',
        requestedBy: 'user:default/alice',
      });
      expect(await store.getDeployment(first.id)).toEqual(first);
      expect(await store.getActiveDeployment('checkout', 'prod')).toEqual(
        first,
      );

      const second = store.createDeployment({
        service: 'checkout',
        channel: 'prod',
        version: '1.0.1',
        requestedBy: 'user:default/bob',
      });
      await expect(second).rejects.toThrow(ConflictError);
      await expect(second).rejects.toThrow(first.id);

      // Another channel of the same service is free.
      await expect(
        store.createDeployment({
          service: 'checkout',
          channel: 'dev',
          version: '1.0.1',
          requestedBy: 'user:default/bob',
        }),
      ).resolves.toMatchObject({ channel: 'dev' });

      expect(
        await store.transition(first.id, {
          from: ['requested'],
          to: 'failed',
        }),
      ).toBe(true);
      expect(
        await store.getActiveDeployment('checkout', 'prod'),
      ).toBeUndefined();
      const ended = await store.getDeployment(first.id);
      expect(ended?.status).toBe('failed');
      expect(ended?.finishedAt).toBeDefined();

      const next = await store.createDeployment({
        service: 'checkout',
        channel: 'prod',
        version: '1.0.1',
        requestedBy: 'user:default/bob',
      });
      expect(next.status).toBe('requested');
    });

    it('refuses a deployment of an unknown service', async () => {
      const { store } = await createStore(databaseId);
      await expect(
        store.createDeployment({
          service: 'ghost',
          channel: 'dev',
          version: '1',
          requestedBy: 'user:default/alice',
        }),
      ).rejects.toThrow(NotFoundError);
    });

    it('moves a deployment only from the statuses given, recording what the run found', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const deployment = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '2.0.0',
        requestedBy: 'user:default/alice',
      });

      expect(
        await store.transition(deployment.id, {
          from: ['rolling_out'],
          to: 'soaking',
        }),
      ).toBe(false);

      expect(
        await store.transition(deployment.id, {
          from: ['requested'],
          to: 'migrating',
          step: 'job-created',
          startedAt: '2026-11-27T10:00:00.000Z',
          previousVersion: '1.9.0',
        }),
      ).toBe(true);
      expect(await store.getDeployment(deployment.id)).toMatchObject({
        status: 'migrating',
        step: 'job-created',
        startedAt: '2026-11-27T10:00:00.000Z',
        previousVersion: '1.9.0',
      });

      // Only the worker holding the claim may move it.
      const claimed = await store.claimNext({
        workerId: 'worker-a',
        leaseSeconds: 60,
      });
      expect(claimed?.id).toBe(deployment.id);
      expect(
        await store.transition(deployment.id, {
          from: ['migrating'],
          to: 'rolling_out',
          claim: 'not-the-claim',
        }),
      ).toBe(false);

      const result = {
        migration: { state: 'succeeded' as const, message: 'done', job: 'j1' },
        rollout: { state: 'complete' as const, message: '3 of 3 updated' },
      };
      expect(
        await store.transition(deployment.id, {
          from: ['migrating'],
          to: 'succeeded',
          claim: claimed?.claim,
          result,
          finishedAt: '2026-11-27T10:05:00.000Z',
        }),
      ).toBe(true);
      const finished = await store.getDeployment(deployment.id);
      expect(finished).toMatchObject({
        status: 'succeeded',
        result,
        finishedAt: '2026-11-27T10:05:00.000Z',
      });
      expect(finished?.step).toBeUndefined();

      await expect(
        store.transition(deployment.id, {
          from: ['succeeded'],
          to: 'rolling_back',
        }),
      ).rejects.toThrow(/never leaves a final status/);
    });

    it('approves only a deployment awaiting approval, once', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const deployment = await store.createDeployment({
        service: 'checkout',
        channel: 'prod',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
        status: 'awaiting_approval',
      });
      expect(deployment.status).toBe('awaiting_approval');
      // A person has to approve it first: no worker may pick it up.
      expect(
        await store.claimNext({ workerId: 'w', leaseSeconds: 60 }),
      ).toBeUndefined();

      expect(await store.approve(deployment.id, 'user:default/bob')).toBe(true);
      expect(await store.approve(deployment.id, 'user:default/carol')).toBe(
        false,
      );
      expect(await store.getDeployment(deployment.id)).toMatchObject({
        status: 'requested',
        approvedBy: 'user:default/bob',
      });
    });

    it('finds the latest success of a service in a channel', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const deploy = async (
        channel: string,
        version: string,
        to: 'succeeded' | 'failed',
      ) => {
        const d = await store.createDeployment({
          service: 'checkout',
          channel,
          version,
          requestedBy: 'user:default/alice',
        });
        await store.transition(d.id, { from: ['requested'], to });
        return d;
      };
      expect(await store.lastSucceeded('checkout', 'staging')).toBeUndefined();
      await deploy('staging', '1.0.0', 'succeeded');
      const latest = await deploy('staging', '1.1.0', 'succeeded');
      await deploy('staging', '1.2.0', 'failed');
      await deploy('prod', '1.2.0', 'succeeded');

      expect(await store.lastSucceeded('checkout', 'staging')).toMatchObject({
        id: latest.id,
        version: '1.1.0',
      });
    });

    it('keeps a timeline that can be read from a cursor', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const deployment = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });

      const requested = await store.appendEvent(deployment.id, {
        type: 'requested',
        message: 'alice asked for 1.0.0',
      });
      const started = await store.appendEvent(deployment.id, {
        type: 'migration-started',
        message: 'Running migration Job checkout-1',
        data: { job: 'checkout-1', attempt: 1 },
      });
      const done = await store.appendEvent(deployment.id, {
        type: 'succeeded',
        message: 'Rolled out',
      });
      expect(typeof requested.id).toBe('number');
      expect(started.id).toBeGreaterThan(requested.id);

      const all = await store.listEvents(deployment.id);
      expect(all).toEqual([requested, started, done]);
      expect(all[1].data).toEqual({ job: 'checkout-1', attempt: 1 });
      expect(all[0].data).toBeUndefined();

      expect(
        await store.listEvents(deployment.id, { afterId: requested.id }),
      ).toEqual([started, done]);
      expect(
        await store.listEvents(deployment.id, { afterId: done.id }),
      ).toEqual([]);
    });

    it('keeps the evidence of a failure as it was captured', async () => {
      const { store } = await createStore(databaseId);
      await store.registerService(checkout());
      const deployment = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
      const evidence: FailureEvidence = {
        kind: 'rollout',
        capturedAt: '2026-11-27T10:03:00.000Z',
        pods: [
          {
            name: 'checkout-7d9f-abc',
            containers: [
              {
                name: 'app',
                image: 'registry.example/checkout:1.0.0',
                ready: false,
                restartCount: 4,
                state: 'waiting',
                reason: 'CrashLoopBackOff',
                lastTerminated: { reason: 'Error', exitCode: 3 },
                previousLogs: 'panic: no DATABASE_URL\n',
              },
            ],
          },
        ],
        events: [
          {
            reason: 'BackOff',
            message: 'Back-off restarting failed container',
            type: 'Warning',
            object: 'Pod/checkout-7d9f-abc',
            count: 7,
          },
        ],
      };
      expect(await store.listEvidence(deployment.id)).toEqual([]);
      await store.addEvidence(deployment.id, evidence);
      await store.addEvidence(deployment.id, {
        ...evidence,
        kind: 'migration',
      });
      expect(await store.listEvidence(deployment.id)).toEqual([
        evidence,
        { ...evidence, kind: 'migration' },
      ]);
    });
  });
});
