import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * A catalog in which every `component:default/<name>` exists, names the
 * service `<name>` (slipway.dev/service) and is owned by `ownerRef` (or by
 * the owner given for that name): tests register services with unique names,
 * and Slipway takes a service's owner from the entity that names it.
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
      metadata: {
        name,
        namespace,
        annotations: { 'slipway.dev/service': name },
      },
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
    // The one query Slipway makes: the entities that name a service.
    getEntities: async query => {
      const filter = query?.filter as Record<string, string> | undefined;
      const serviceName = filter?.['metadata.annotations.slipway.dev/service'];
      const named = serviceName && entityOf(`component:default/${serviceName}`);
      return { items: named ? [named] : [] };
    },
  });
}
