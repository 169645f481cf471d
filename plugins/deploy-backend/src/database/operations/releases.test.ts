import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { DatabaseDeploymentStore } from '../DatabaseDeploymentStore';

jest.setTimeout(60_000);

describe('releases in the store', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const store = await DatabaseDeploymentStore.fromKnex(
        await databases.init(databaseId),
      );
      await store.registerService({
        name: 'checkout',
        entityRef: 'component:default/checkout',
        ownerRef: 'group:default/team-payments',
        spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
      });
      return store;
    }

    it('keeps releases in publication order, pages them and tells a retry from a conflict', async () => {
      const store = await createStore();
      const first = await store.publishRelease(
        'checkout',
        {
          version: '1.0.0',
          commit: 'abc1234',
          commitUrl: 'https://git.example/checkout/commit/abc1234',
        },
        'service:external:ci',
      );
      expect(first).toMatchObject({
        created: true,
        release: {
          service: 'checkout',
          version: '1.0.0',
          commit: 'abc1234',
          commitUrl: 'https://git.example/checkout/commit/abc1234',
          publishedBy: 'service:external:ci',
        },
      });
      expect(first.release).not.toHaveProperty('digest');

      // CI retrying the same publish changes nothing.
      const again = await store.publishRelease(
        'checkout',
        {
          version: '1.0.0',
          commit: 'abc1234',
          commitUrl: 'https://git.example/checkout/commit/abc1234',
        },
        'service:external:ci',
      );
      expect(again).toEqual({ created: false, release: first.release });
      // A version names one build.
      await expect(
        store.publishRelease(
          'checkout',
          { version: '1.0.0', commit: 'def5678' },
          'service:external:ci',
        ),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.publishRelease(
          'checkout',
          { version: '1.0.0', commit: 'def5678' },
          'service:external:ci',
        ),
      ).rejects.toThrow(/another commit, commitUrl/);

      for (const version of ['1.1.0', '1.2.0', '1.3.0']) {
        await store.publishRelease('checkout', { version }, 'user:default/a');
      }
      const page1 = await store.listReleases('checkout', { limit: 3 });
      expect(page1.items.map(r => r.version)).toEqual([
        '1.3.0',
        '1.2.0',
        '1.1.0',
      ]);
      expect(page1.items[0].seq).toBeGreaterThan(page1.items[1].seq);
      const page2 = await store.listReleases('checkout', {
        limit: 3,
        cursor: page1.nextCursor,
      });
      expect(page2.items.map(r => r.version)).toEqual(['1.0.0']);
      expect(page2.nextCursor).toBeUndefined();
      await expect(
        store.listReleases('checkout', { cursor: 'not-a-cursor' }),
      ).rejects.toThrow(InputError);
      expect(await store.getRelease('checkout', '1.2.0')).toMatchObject({
        version: '1.2.0',
      });
      expect(await store.getRelease('checkout', '9.9.9')).toBeUndefined();
    });

    it('prunes all but the newest releases, sparing those a channel runs', async () => {
      const store = await createStore();
      for (let i = 0; i < 6; i++) {
        await store.publishRelease('checkout', { version: `1.${i}.0` }, 'ci');
      }
      expect(await store.pruneReleases('checkout', 3, ['1.0.0'])).toBe(2);
      expect(
        (await store.listReleases('checkout')).items.map(r => r.version),
      ).toEqual(['1.5.0', '1.4.0', '1.3.0', '1.0.0']);
    });

    it('lets a rule deliver a release to a channel once', async () => {
      const store = await createStore();
      const automation = { rule: 'auto-deploy' as const, reason: 'published' };
      const first = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.0',
        requestedBy: 'slipway:rule/auto-deploy',
        automation,
      });
      expect(first.automation).toEqual(automation);
      await store.transition(first.id, { from: ['requested'], to: 'failed' });
      // The channel is free again, yet the same rule may not deliver the
      // same release twice (a second replica, a sweep after a crash).
      await expect(
        store.createDeployment({
          service: 'checkout',
          channel: 'dev',
          version: '1.0.0',
          requestedBy: 'slipway:rule/auto-deploy',
          automation,
        }),
      ).rejects.toThrow(/delivered 1\.0\.0 to dev already/);
      // A person may.
      const byHand = await store.createDeployment({
        service: 'checkout',
        channel: 'dev',
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
      expect(byHand.automation).toBeUndefined();
    });
  });
});
