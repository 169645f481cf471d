import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * A catalog in which every `component:default/<name>` exists, owned by
 * `ownerRef` (or by the owner given for that name): tests register services
 * with unique names, and Slipway takes a service's owner from its entity.
 */
export function catalogOfComponents(
  ownerRef = 'group:default/team-test',
  owners: Record<string, string> = {},
) {
  const entityOf = (ref: string): Entity | undefined => {
    const { kind, namespace, name } = parseEntityRef(ref);
    if (kind.toLocaleLowerCase('en-US') !== 'component') {
      return undefined;
    }
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, namespace },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: owners[name] ?? ownerRef,
      },
    };
  };
  return catalogServiceMock.mock({
    getEntityByRef: async ref =>
      entityOf(typeof ref === 'string' ? ref : `component:default/${ref.name}`),
    getEntitiesByRefs: async ({ entityRefs }) => ({
      items: entityRefs.map(entityOf),
    }),
    // Its components carry no slipway.dev/service annotation, so no query
    // by that annotation finds one.
    getEntities: async () => ({ items: [] }),
  });
}
