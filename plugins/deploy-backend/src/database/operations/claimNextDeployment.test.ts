import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { DatabaseDeploymentStore } from '../DatabaseDeploymentStore';
import { DeploymentsTableRow } from '../tables';
import { ClaimLostError } from '../ClaimLostError';

jest.setTimeout(60_000);

describe('claimNextDeployment', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    return { knex, store };
  }

  async function requestDeployments(
    store: DatabaseDeploymentStore,
    count: number,
  ): Promise<string[]> {
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const deployment = await store.createDeployment({
        service: 'checkout',
        channel: `channel-${i}`,
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
      ids.push(deployment.id);
    }
    return ids;
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('claims the oldest runnable deployment, once, and lets its worker keep it', async () => {
      const { store } = await createStore(databaseId);
      const [first, second, third] = await requestDeployments(store, 3);
      await store.transition(second, { from: ['requested'], to: 'cancelled' });

      const claimed = await store.claimNext({
        workerId: 'a',
        leaseSeconds: 60,
      });
      expect(claimed?.id).toBe(first);
      const next = await store.claimNext({ workerId: 'b', leaseSeconds: 60 });
      expect(next?.id).toBe(third);
      // Nothing else is runnable: one is cancelled, two are held.
      expect(
        await store.claimNext({ workerId: 'c', leaseSeconds: 60 }),
      ).toBeUndefined();

      expect(await store.heartbeat(first, claimed!.claim!)).toBe(true);
      expect(await store.heartbeat(first, next!.claim!)).toBe(false);
    });

    it('hands a claim whose worker stopped heartbeating to another worker', async () => {
      const { knex, store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      const a = await store.claimNext({ workerId: 'a', leaseSeconds: 30 });
      expect(a?.id).toBe(id);

      // Worker a died 31 seconds ago.
      await knex<DeploymentsTableRow>('deployments')
        .where('id', id)
        .update({ heartbeat_at: new Date(Date.now() - 31_000) });

      expect(
        (await store.claimNext({ workerId: 'b', leaseSeconds: 30 }))?.id,
      ).toBe(id);
      // a comes back: its claim is gone, and so is its right to move the deployment.
      expect(await store.heartbeat(id, a!.claim!)).toBe(false);
      expect(
        await store.transition(id, {
          from: ['requested'],
          to: 'migrating',
          claim: a!.claim,
          event: { type: 'started', message: 'from a lost claim' },
        }),
      ).toBe(false);
      await expect(
        store.appendEvent(
          id,
          { type: 'x', message: 'from a lost claim' },
          { claim: a!.claim },
        ),
      ).rejects.toThrow(ClaimLostError);
      await expect(
        store.addEvidence(
          id,
          {
            kind: 'rollout',
            capturedAt: new Date().toISOString(),
            pods: [],
            events: [],
          },
          { claim: a!.claim },
        ),
      ).rejects.toThrow(ClaimLostError);
      expect(await store.listEvents(id)).toEqual([]);
      expect(await store.listEvidence(id)).toEqual([]);
      expect(await store.release(id, a!.claim!)).toBe(false);
    });

    it('even the same worker id gets a new claim, which fences out the old one', async () => {
      const { knex, store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      const first = await store.claimNext({ workerId: 'w', leaseSeconds: 30 });
      await knex<DeploymentsTableRow>('deployments')
        .where('id', id)
        .update({ heartbeat_at: new Date(Date.now() - 31_000) });
      const second = await store.claimNext({ workerId: 'w', leaseSeconds: 30 });
      expect(second?.id).toBe(id);
      expect(second?.claim).not.toBe(first?.claim);
      expect(await store.heartbeat(id, first!.claim!)).toBe(false);
      expect(await store.heartbeat(id, second!.claim!)).toBe(true);
    });

    it('never hands a process a deployment it already drives', async () => {
      const { store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      expect(
        await store.claimNext({
          workerId: 'w',
          leaseSeconds: 0,
          exclude: [id],
        }),
      ).toBeUndefined();
    });

    it('holds a released deployment until it is due, or woken', async () => {
      const { store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      const claimed = await store.claimNext({
        workerId: 'a',
        leaseSeconds: 60,
      });
      expect(
        await store.release(id, claimed!.claim!, {
          dueInMs: 60_000,
          attempts: 3,
        }),
      ).toBe(true);
      expect(
        await store.claimNext({ workerId: 'b', leaseSeconds: 60 }),
      ).toBeUndefined();
      expect((await store.getDeployment(id))?.attempts).toBe(3);

      await store.wake(id);
      const again = await store.claimNext({ workerId: 'b', leaseSeconds: 60 });
      expect(again?.id).toBe(id);
      // A move on ends the run of failures, and writes its event with it.
      expect(
        await store.transition(id, {
          from: ['requested'],
          to: 'rolling_out',
          claim: again!.claim,
          event: { type: 'started', message: 'moved' },
        }),
      ).toBe(true);
      expect(await store.getDeployment(id)).toMatchObject({
        status: 'rolling_out',
        attempts: 0,
      });
      expect((await store.listEvents(id)).map(e => e.type)).toEqual([
        'started',
      ]);
    });

    it('drops the claim when someone else ends the deployment', async () => {
      const { store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      const claimed = await store.claimNext({
        workerId: 'a',
        leaseSeconds: 60,
      });
      expect(
        await store.transition(id, { from: ['requested'], to: 'cancelled' }),
      ).toBe(true);
      expect(await store.heartbeat(id, claimed!.claim!)).toBe(false);
    });

    it('makes a released deployment claimable again', async () => {
      const { store } = await createStore(databaseId);
      const [id] = await requestDeployments(store, 1);
      const a = await store.claimNext({ workerId: 'a', leaseSeconds: 60 });
      expect(
        await store.claimNext({ workerId: 'b', leaseSeconds: 60 }),
      ).toBeUndefined();

      expect(await store.release(id, a!.claim!)).toBe(true);
      expect(
        (await store.claimNext({ workerId: 'b', leaseSeconds: 60 }))?.id,
      ).toBe(id);
    });

    it('gives each deployment to exactly one of two replicas claiming at once', async () => {
      const { knex, store } = await createStore(databaseId);
      const ids = await requestDeployments(store, 30);

      // A second replica: its own connection pool on PostgreSQL; an in-memory
      // SQLite database can only be shared through the same client.
      let otherKnex: Knex | undefined;
      if (databaseId !== 'SQLITE_3') {
        otherKnex = knexFactory(knex.client.config);
      }
      const other = await DatabaseDeploymentStore.fromKnex(otherKnex ?? knex, {
        skipMigrations: true,
      });

      const drain = async (
        replica: DatabaseDeploymentStore,
        workerId: string,
      ) => {
        const claimed: string[] = [];
        for (;;) {
          const deployment = await replica.claimNext({
            workerId,
            leaseSeconds: 60,
          });
          if (!deployment) {
            return claimed;
          }
          claimed.push(deployment.id);
        }
      };
      try {
        const results = await Promise.all([
          drain(store, 'replica-1a'),
          drain(store, 'replica-1b'),
          drain(other, 'replica-2a'),
          drain(other, 'replica-2b'),
        ]);
        const all = results.flat();
        expect(all.sort()).toEqual([...ids].sort());
        expect(new Set(all).size).toBe(ids.length);
      } finally {
        await otherKnex?.destroy();
      }
    });
  });
});
