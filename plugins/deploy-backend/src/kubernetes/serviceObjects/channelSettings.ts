import type { V1EnvVar } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import {
  EnvValue,
  ReleaseChannel,
  Service,
} from '@slipway/plugin-deploy-common';

/**
 * A service's replicas and container env in a channel; a channel without
 * settings gets one replica and no env.
 */
export function channelSettings(
  service: Service,
  channel: ReleaseChannel,
): { replicas: number; env: V1EnvVar[] } {
  const settings = service.spec.channels[channel.name];
  // Sorted, so the same settings always render the same pod template.
  const env: V1EnvVar[] = Object.entries(settings?.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => toEnvVar(name, value));
  return { replicas: settings?.replicas ?? 1, env };
}

/** A literal stays a value; a Secret or ConfigMap key becomes a reference Kubernetes resolves. */
function toEnvVar(name: string, value: EnvValue): V1EnvVar {
  if (typeof value === 'string') {
    return { name, value };
  }
  if ('secretKeyRef' in value) {
    return { name, valueFrom: { secretKeyRef: { ...value.secretKeyRef } } };
  }
  if ('configMapKeyRef' in value) {
    return {
      name,
      valueFrom: { configMapKeyRef: { ...value.configMapKeyRef } },
    };
  }
  // A hidden value is how a literal is shown to readers; it is never stored.
  throw new InputError(
    `env ${name}: a hidden value cannot be deployed; send the literal value or a reference`,
  );
}
