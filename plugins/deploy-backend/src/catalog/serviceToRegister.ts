import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DeployServiceResource } from '../permissions/resources';
import { namingService } from './checkServiceClaim';
import { ownerOf } from './entityOwner';

/**
 * A service Slipway does not know yet, as registering it would make it: the
 * one catalog entity whose annotation names it, owned by that entity's
 * owner. It lets a policy answer "may this user set it up?" before the
 * service exists (the Deploy tab asks). Undefined when no entity, or more
 * than one, names it, or the entity has no owner.
 */
export async function serviceToRegister(
  catalog: CatalogService,
  name: string,
  credentials: BackstageCredentials,
): Promise<DeployServiceResource | undefined> {
  const { items } = await catalog.getEntities(
    {
      filter: namingService(name),
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.owner',
        'relations',
      ],
      limit: 2,
    },
    { credentials },
  );
  const owner = items.length === 1 ? ownerOf(items[0]) : undefined;
  return owner
    ? { name, entityRef: stringifyEntityRef(items[0]), ownerRef: owner }
    : undefined;
}
