import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DeploymentStore } from '../database/DeploymentStore';
import { ownerOf } from './entityOwner';

/**
 * Keeps each service's owner in step with its catalog entity, so a team's
 * history follows a service when it changes hands. Returns how many moved.
 */
export async function syncServiceOwners(options: {
  store: DeploymentStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<number> {
  const { store, catalog, auth, logger } = options;
  const services = await store.listServices();
  if (services.length === 0) {
    return 0;
  }
  const { items } = await catalog.getEntitiesByRefs(
    {
      entityRefs: services.map(s => s.entityRef),
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.owner',
        'relations',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  let moved = 0;
  for (const [i, service] of services.entries()) {
    const entity = items[i];
    const owner = entity && ownerOf(entity);
    if (owner && owner !== service.ownerRef) {
      await store.updateServiceOwner(service.name, owner);
      logger.info(
        `Service ${service.name} moved from ${service.ownerRef} to ${owner}, with its history`,
      );
      moved += 1;
    }
  }
  return moved;
}
