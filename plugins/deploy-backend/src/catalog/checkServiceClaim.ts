import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The annotation by which a catalog entity names its Slipway service. */
export const SERVICE_ANNOTATION = 'slipway.dev/service';

/** The catalog filter for the entities whose annotation names `service`. */
export function namingService(service: string) {
  return { [`metadata.annotations.${SERVICE_ANNOTATION}`]: service };
}

/**
 * A service name belongs to the catalog entity that names it in its
 * annotation. Registering the name with another entity would hand it, and
 * the workloads of that name in every channel, to whoever owns that other
 * entity: the team whose entity names the service could then neither set it
 * up nor deploy it. So an entity registers only the service its annotation
 * names, and a name another entity claims is registered only with that one.
 * An entity that names no service registers none: a name taken that way
 * would stay with its team when the service's own entity later names it.
 */
export async function checkServiceClaim(
  catalog: CatalogService,
  entity: Entity,
  service: string,
  credentials: BackstageCredentials,
): Promise<void> {
  const entityRef = stringifyEntityRef(entity);
  const named = entity.metadata.annotations?.[SERVICE_ANNOTATION];
  if (named !== undefined && named !== service) {
    throw new InputError(
      `name: ${entityRef} names the service "${named}" in its ${SERVICE_ANNOTATION} annotation, not "${service}"; register it as "${named}" or change the annotation`,
    );
  }
  const { items } = await catalog.getEntities(
    {
      filter: namingService(service),
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  const claimants = items.map(item => stringifyEntityRef(item));
  if (
    claimants.length > 0 &&
    !claimants.some(ref => ref.toLowerCase() === entityRef.toLowerCase())
  ) {
    throw new ConflictError(
      `name: the service "${service}" is named by ${claimants.join(
        ', ',
      )} in the catalog (${SERVICE_ANNOTATION}); register it with that entity`,
    );
  }
  if (named === undefined) {
    throw new InputError(
      `entityRef: ${entityRef} has no ${SERVICE_ANNOTATION} annotation; add "${SERVICE_ANNOTATION}: ${service}" to its metadata.annotations and let the catalog refresh it, then register`,
    );
  }
}
