import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';

/** Labels and annotations Slipway puts on what it generates. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
  channel: 'slipway.dev/channel',
} as const;
export const MANAGED_BY_SLIPWAY = `${LABELS.managedBy}=slipway`;
export const DEPLOYMENT_ID_ANNOTATION = 'slipway.dev/deployment-id';
/** The exact version, which a label value cannot always hold (digests). */
export const VERSION_ANNOTATION = 'slipway.dev/version';

/** The labels every object Slipway generates for a service in a channel carries. */
export function commonLabels(
  service: Service,
  channel: ReleaseChannel,
): Record<string, string> {
  return {
    [LABELS.name]: service.name,
    [LABELS.managedBy]: 'slipway',
    [LABELS.channel]: channel.name,
  };
}

/**
 * The label selector of a service's app pods in a channel; the Deployment and
 * the Service select with it, and migration pods never match it.
 */
export function appPodSelector(
  serviceName: string,
  channelName: string,
): Record<string, string> {
  return {
    [LABELS.name]: serviceName,
    [LABELS.channel]: channelName,
    [LABELS.component]: 'app',
  };
}

/** `{ a: 'b', c: 'd' }` → `a=b,c=d`, for list calls and informers. */
export function formatLabelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * A version as a label value (at most 63 characters of [A-Za-z0-9_.-]); a
 * digest is shortened the way registries show it. The exact version stays in
 * the image and in the `slipway.dev/version` annotation.
 */
export function versionLabel(version: string): string {
  const value = version.startsWith('sha256:')
    ? `sha256-${version.slice('sha256:'.length, 'sha256:'.length + 12)}`
    : version;
  return value
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
