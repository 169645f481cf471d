import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The refs of an entity's owners: its ownedBy relations, or its spec.owner
 * before the catalog has processed it.
 */
export function entityOwners(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
  if (related.length > 0) {
    return related;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return [];
  }
  return [
    stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
  ];
}
