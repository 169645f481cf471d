import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { answerNamingService } from './answerNamingService';

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
    getEntities: answerNamingService(service =>
      entityOf(`component:default/${service}`),
    ),
  });
}
