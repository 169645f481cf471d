import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogOwnerOf } from './catalogOwnerOf';

function component(name: string, owner: string, service?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(service && { annotations: { 'slipway.dev/service': service } }),
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

describe('catalogOwnerOf with the service to register (checkServiceClaim)', () => {
  const credentials = mockCredentials.service();
  const catalog = catalogServiceMock({
    entities: [
      component('payments-api', 'team-payments', 'payments'),
      component('growth-web', 'team-growth', 'signup'),
      component('unannotated', 'team-growth'),
    ],
  });

  it('registers a service with the entity that names it', async () => {
    await expect(
      catalogOwnerOf(
        catalog,
        'component:default/payments-api',
        credentials,
        'payments',
      ),
    ).resolves.toBe('group:default/team-payments');
  });

  it('refuses a name another entity claims, naming that entity (409)', async () => {
    const attempt = catalogOwnerOf(
      catalog,
      'component:default/unannotated',
      credentials,
      'payments',
    );
    await expect(attempt).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(attempt).rejects.toThrow(
      'name: the service "payments" is named by component:default/payments-api',
    );
  });

  it('refuses a name other than the one the entity names (400)', async () => {
    const attempt = catalogOwnerOf(
      catalog,
      'component:default/growth-web',
      credentials,
      'payments',
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
    await expect(attempt).rejects.toThrow(
      'names the service "signup" in its slipway.dev/service annotation, not "payments"',
    );
  });

  it('refuses a name nobody claims with an entity that names no service (400)', async () => {
    const attempt = catalogOwnerOf(
      catalog,
      'component:default/unannotated',
      credentials,
      'brand-new',
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
    await expect(attempt).rejects.toThrow(
      'entityRef: component:default/unannotated has no slipway.dev/service annotation; add "slipway.dev/service: brand-new"',
    );
  });
});
