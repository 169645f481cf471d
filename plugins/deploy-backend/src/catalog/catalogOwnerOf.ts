import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { checkServiceClaim } from './checkServiceClaim';
import { ownerOf } from './entityOwner';

/**
 * The owner of a catalog entity: a service's owner always comes from here,
 * never from a request. Throws InputError when the entity is not in the
 * catalog or names no owner. Given the service the entity is to register,
 * also checks that the entity may (checkServiceClaim).
 */
export async function catalogOwnerOf(
  catalog: CatalogService,
  entityRef: string,
  credentials: BackstageCredentials,
  service?: string,
): Promise<string> {
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new InputError(
      `entityRef: ${entityRef} is not in the catalog; register the entity in the catalog first`,
    );
  }
  const owner = ownerOf(entity);
  if (!owner) {
    throw new InputError(
      `entityRef: ${entityRef} has no owner in the catalog (spec.owner); Slipway deploys only owned services`,
    );
  }
  if (service !== undefined) {
    await checkServiceClaim(catalog, entity, service, credentials);
  }
  return owner;
}
