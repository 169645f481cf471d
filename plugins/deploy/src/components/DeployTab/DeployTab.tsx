import { EmptyState } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { SLIPWAY_SERVICE_ANNOTATION } from '../../isDeployAvailable';
import { ServiceDeployPanel } from '../ServiceDeployPanel';

/** The Deploy tab of a service's catalog page. */
export function DeployTab() {
  const { entity } = useEntity();
  const service = entity.metadata.annotations?.[SLIPWAY_SERVICE_ANNOTATION];
  if (!service) {
    return (
      <EmptyState
        missing="info"
        title="Slipway does not deploy this entity yet"
        description={`Add the annotation ${SLIPWAY_SERVICE_ANNOTATION}: <service name> to its catalog-info.yaml to deploy it with Slipway.`}
      />
    );
  }
  return <ServiceDeployPanel service={service} entity={entity} />;
}
