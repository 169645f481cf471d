import { Entity } from '@backstage/catalog-model';
import { SERVICE_ANNOTATION } from '../catalog/checkServiceClaim';

/**
 * A test catalog's `getEntities`, for the one query Slipway makes of it:
 * the entities whose annotation names a service (`namingService`). Each
 * test catalog says which entity names a service; none names it when that
 * gives undefined.
 */
export function answerNamingService(
  entityNaming: (service: string) => Entity | undefined,
) {
  return async (query?: { filter?: unknown }) => {
    const filter = query?.filter as Record<string, string> | undefined;
    const service = filter?.[`metadata.annotations.${SERVICE_ANNOTATION}`];
    const entity = service ? entityNaming(service) : undefined;
    return { items: entity ? [entity] : [] };
  };
}
