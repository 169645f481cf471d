import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { syncServiceOwners } from './syncServiceOwners';

describe('syncServiceOwners', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('moves a service and its history to the owner the catalog now names', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    const spec = { image: 'registry.example.com/x', port: 8080, channels: {} };
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec,
    });
    await store.registerService({
      name: 'signup',
      entityRef: 'component:default/signup',
      ownerRef: 'group:default/team-growth',
      spec,
    });
    const deployment = await store.createDeployment({
      service: 'checkout',
      channel: 'dev',
      version: '1.0.0',
      requestedBy: 'user:default/alice',
    });
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: { owner: 'team-platform' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'signup', namespace: 'default' },
          spec: { owner: 'group:default/team-growth' },
        },
      ],
    });

    const moved = await syncServiceOwners({
      store,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });

    expect(moved).toBe(1);
    expect((await store.getService('checkout'))?.ownerRef).toBe(
      'group:default/team-platform',
    );
    expect((await store.getService('signup'))?.ownerRef).toBe(
      'group:default/team-growth',
    );
    const history = await store.listDeployments({
      team: 'group:default/team-platform',
    });
    expect(history.items.map(d => d.id)).toEqual([deployment.id]);
    await knex.destroy();
  });
});
