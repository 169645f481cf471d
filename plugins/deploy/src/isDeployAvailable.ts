import { Entity } from '@backstage/catalog-model';

/**
 * The annotation that ties a catalog entity to a Slipway service.
 *
 * @public
 */
export const SLIPWAY_SERVICE_ANNOTATION = 'slipway.dev/service';

/**
 * The annotation that names a service's own manifests directory; without it
 * Slipway generates the objects from the service's spec.
 */
export const SLIPWAY_MANIFESTS_ANNOTATION = 'slipway.dev/manifests';

/**
 * Whether Slipway deploys this entity: it carries the Slipway service annotation.
 *
 * @public
 */
export function isDeployAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[SLIPWAY_SERVICE_ANNOTATION]);
}
