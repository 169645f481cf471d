import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EmptyState, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Typography from '@material-ui/core/Typography';
import {
  Service,
  serviceUpdatePermission,
} from '@slipway/plugin-deploy-common';
import { entityOwners } from './entityOwners';
import { ServiceSetupForm } from './ServiceSetupForm';

/** Props of {@link ServiceSetup}. */
export interface ServiceSetupProps {
  /** The service name the entity's annotation gives; Slipway does not know it yet. */
  service: string;
  entity: Entity;
  onRegistered: (service: Service | undefined) => void;
}

/**
 * What the Deploy tab shows for a service Slipway does not know yet: the
 * form that sets it up to those who may register it; to everyone else, who
 * owns it and what to ask for.
 */
export function ServiceSetup(props: ServiceSetupProps) {
  const { service, entity, onRegistered } = props;
  // Decided by the policy on the service as it would be registered: its
  // owner is the entity's.
  const { loading, allowed } = usePermission({
    permission: serviceUpdatePermission,
    resourceRef: service,
  });
  if (loading) {
    return <Progress />;
  }
  if (allowed) {
    return (
      <ServiceSetupForm
        service={service}
        entity={entity}
        onRegistered={onRegistered}
      />
    );
  }
  const owners = entityOwners(entity);
  return (
    <EmptyState
      missing="info"
      title={`Slipway does not deploy ${service} yet`}
      description={
        <>
          <Typography component="span" display="block">
            Only the owners of {stringifyEntityRef(entity)} may set up its
            deployments: {owners.join(', ') || 'it has no owner in the catalog'}
            .
          </Typography>
          <Typography component="span" display="block">
            Ask one of them to open this tab and set it up, or ask your platform
            team for the permission deploy.service.update on {service}.
          </Typography>
        </>
      }
    />
  );
}
