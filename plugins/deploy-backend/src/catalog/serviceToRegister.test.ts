import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { serviceToRegister } from './serviceToRegister';

function component(
  name: string,
  service: string,
  owner: string | undefined,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'slipway.dev/service': service },
    },
    spec: { type: 'service', lifecycle: 'production', ...(owner && { owner }) },
  };
}

describe('serviceToRegister', () => {
  const credentials = mockCredentials.service();

  it('is the service as the entity that names it would register it', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('checkout-web', 'checkout', 'team-payments'),
        component('signup', 'signup', 'team-growth'),
      ],
    });
    await expect(
      serviceToRegister(catalog, 'checkout', credentials),
    ).resolves.toEqual({
      name: 'checkout',
      entityRef: 'component:default/checkout-web',
      ownerRef: 'group:default/team-payments',
    });
  });

  it('is nothing when no entity, two entities, or an unowned one names it', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('a', 'shared', 'team-payments'),
        component('b', 'shared', 'team-growth'),
        component('orphan', 'orphan', undefined),
      ],
    });
    for (const name of ['missing', 'shared', 'orphan']) {
      await expect(
        serviceToRegister(catalog, name, credentials),
      ).resolves.toBeUndefined();
    }
  });
});
