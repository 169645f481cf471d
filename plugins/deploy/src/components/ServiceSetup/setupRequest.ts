import { RegisterServiceRequest } from '@slipway/plugin-deploy-common';

/** What the owner typed into the set-up form. */
export interface SetupValues {
  name: string;
  image: string;
  /** As typed; checked to be a port number. */
  port: string;
}

/** A message per form field that is missing or out of range. */
export type SetupErrors = Partial<Record<keyof SetupValues, string>>;

/**
 * Without it the registration still needs a port, but a service deployed
 * from its own manifests never uses it: its manifests say where it listens.
 */
const PORT_FOR_OWN_MANIFESTS = 8080;

/**
 * The registration the form sends, or the fields to fix first. Only what a
 * user can see at a glance is checked here; the backend's schema decides
 * the rest (e.g. the image repository's form) and names the field.
 */
export function setupRequest(
  values: SetupValues,
  options: { entityRef: string; ownManifests: boolean },
): { request: RegisterServiceRequest } | { errors: SetupErrors } {
  const errors: SetupErrors = {};
  const name = values.name.trim();
  const image = values.image.trim();
  if (!name) {
    errors.name = 'Service name is required';
  }
  if (!image) {
    errors.image = 'Image repository is required';
  }
  const port = Number(values.port);
  if (!options.ownManifests) {
    if (!values.port.trim()) {
      errors.port = 'Port is required';
    } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
      errors.port = 'Port must be a whole number from 1 to 65535';
    }
  }
  if (Object.keys(errors).length > 0) {
    return { errors };
  }
  return {
    request: {
      name,
      entityRef: options.entityRef,
      spec: {
        image,
        port: options.ownManifests ? PORT_FOR_OWN_MANIFESTS : port,
        // Every channel starts with one replica and no environment.
        channels: {},
      },
    },
  };
}
