import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { RegisterServiceRequest, Service } from '@slipway/plugin-deploy-common';
import { FormEvent, useId, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { DeployApi, deployApiRef } from '../../api';
import {
  SLIPWAY_MANIFESTS_ANNOTATION,
  SLIPWAY_SERVICE_ANNOTATION,
} from '../../isDeployAvailable';
import { describeError } from '../describeError';
import { entityOwners } from './entityOwners';
import { SetupErrors, SetupValues, setupRequest } from './setupRequest';

/** Props of {@link ServiceSetupForm}. */
export interface ServiceSetupFormProps {
  /** The service name the entity's annotation gives. */
  service: string;
  entity: Entity;
  /** Called once the service is registered: by this form, or meanwhile. */
  onRegistered: (service: Service | undefined) => void;
}

async function isRegistered(deployApi: DeployApi, service: string) {
  try {
    await deployApi.getServiceStatus(service);
    return true;
  } catch (error) {
    if (error instanceof ResponseError && error.statusCode === 404) {
      return false;
    }
    throw error;
  }
}

/** Why registering failed, in words that say what to do. */
function failureMessage(error: Error, entity: Entity): string {
  if (error instanceof ResponseError && error.statusCode === 403) {
    const owners = entityOwners(entity).join(', ') || 'no owner in the catalog';
    return `You may not set up deployments for ${stringifyEntityRef(
      entity,
    )}: only its owners (${owners}) may. Ask one of them, or your platform team for the permission deploy.service.update. (${describeError(
      error,
    )})`;
  }
  return `Could not set up deployments: ${describeError(error)}`;
}

/**
 * The form that registers the entity's service with Slipway, for a service
 * the entity names but Slipway does not know yet.
 */
export function ServiceSetupForm(props: ServiceSetupFormProps) {
  const { service, entity, onRegistered } = props;
  const deployApi = useApi(deployApiRef);
  const id = useId();
  const entityRef = stringifyEntityRef(entity);
  const manifests =
    entity.metadata.annotations?.[SLIPWAY_MANIFESTS_ANNOTATION]?.trim();
  const [values, setValues] = useState<SetupValues>({
    name: service,
    image: '',
    port: '8080',
  });
  const [errors, setErrors] = useState<SetupErrors>({});
  const [state, register] = useAsyncFn(
    async (request: RegisterServiceRequest) => {
      // Registering is an upsert: a service set up meanwhile (by a template,
      // CI or another tab) would lose its channel settings to this form's
      // defaults. So register only what is still unknown, else just show it.
      if (await isRegistered(deployApi, request.name)) {
        onRegistered(undefined);
        return;
      }
      onRegistered(await deployApi.registerService(request));
    },
    [deployApi, onRegistered],
  );

  const change = (field: keyof SetupValues) => (value: string) => {
    setValues(v => ({ ...v, [field]: value }));
    setErrors(e => ({ ...e, [field]: undefined }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = setupRequest(values, {
      entityRef,
      ownManifests: Boolean(manifests),
    });
    if ('errors' in result) {
      setErrors(result.errors);
      return;
    }
    register(result.request);
  };

  return (
    <InfoCard title="Set up deployments">
      <Typography paragraph>
        Slipway does not deploy {service} yet. Register it here and its release
        channels appear on this tab.
      </Typography>
      <form aria-label="Set up deployments" noValidate onSubmit={submit}>
        <TextField
          id={`${id}-name`}
          fullWidth
          margin="normal"
          required
          label="Service name"
          value={values.name}
          InputProps={{ readOnly: true }}
          error={Boolean(errors.name)}
          helperText={
            errors.name ??
            `From the annotation ${SLIPWAY_SERVICE_ANNOTATION}: to use another name, change the annotation. Its Kubernetes objects are named after it.`
          }
        />
        <TextField
          id={`${id}-entity`}
          fullWidth
          margin="normal"
          label="Catalog entity"
          value={entityRef}
          InputProps={{ readOnly: true }}
          helperText="The service's owners are this entity's owners."
        />
        <TextField
          id={`${id}-image`}
          fullWidth
          margin="normal"
          required
          label="Image repository"
          placeholder="registry.example.com/checkout"
          value={values.image}
          onChange={e => change('image')(e.target.value)}
          error={Boolean(errors.image)}
          helperText={
            errors.image ??
            'Without a tag: each version deployed is a tag of this repository.'
          }
          disabled={state.loading}
        />
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            Kubernetes objects
          </Typography>
          {manifests ? (
            <Typography variant="body2">
              From the service's own manifests: <code>{manifests}</code> (the
              entity's annotation <code>{SLIPWAY_MANIFESTS_ANNOTATION}</code>).
              Slipway renders them (plain YAML, Kustomize or Helm) for each
              channel and gives the image above the version deployed.
            </Typography>
          ) : (
            <>
              <Typography variant="body2">
                Generated by Slipway from a small spec: a ServiceAccount, a
                Service and a Deployment with one replica in each channel. To
                deploy the service's own manifests instead, add the annotation{' '}
                <code>{SLIPWAY_MANIFESTS_ANNOTATION}: ./deploy</code> to its
                catalog-info.yaml.
              </Typography>
              <TextField
                id={`${id}-port`}
                type="number"
                margin="normal"
                required
                label="Port"
                value={values.port}
                onChange={e => change('port')(e.target.value)}
                error={Boolean(errors.port)}
                helperText={errors.port ?? 'The port the container listens on.'}
                inputProps={{ min: 1, max: 65535 }}
                disabled={state.loading}
              />
            </>
          )}
        </Box>
        {state.error && (
          <Box mt={2}>
            <Typography role="alert" color="error">
              {failureMessage(state.error, entity)}
            </Typography>
          </Box>
        )}
        <Box mt={2}>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={state.loading}
          >
            Set up deployments
          </Button>
        </Box>
      </form>
    </InfoCard>
  );
}
