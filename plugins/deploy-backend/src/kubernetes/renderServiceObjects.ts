import { createHash } from 'node:crypto';
import type {
  V1Deployment,
  V1EnvVar,
  V1Job,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import {
  EnvValue,
  ReleaseChannel,
  Service,
  describeInvalidDnsLabel,
} from '@slipway/plugin-deploy-common';

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

/** The name of the service's container in its Deployment. */
export const APP_CONTAINER = 'app';
const MIGRATION_CONTAINER = 'migrate';

/** The objects Slipway generates for a service in a channel, in apply order. */
export type ServiceObjects = [
  serviceAccount: V1ServiceAccount,
  service: V1Service,
  deployment: V1Deployment,
];

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

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The image reference of a version: a tag, or a digest when the version is
 * one (`sha256:…`), so a digest pins exactly what was tested.
 */
export function imageReference(repository: string, version: string): string {
  if (version.startsWith('sha256:')) {
    if (!DIGEST.test(version)) {
      throw new InputError(
        `Version "${version}" is not an image digest: expected sha256: and 64 lowercase hex digits`,
      );
    }
    return `${repository}@${version}`;
  }
  if (!TAG.test(version)) {
    throw new InputError(
      `Version "${version}" is not an image tag: use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`,
    );
  }
  return `${repository}:${version}`;
}

/** The version in an image reference: its digest, else its tag. */
export function versionOfImage(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) {
    return image.slice(at + 1);
  }
  const colon = image.lastIndexOf(':');
  // A colon before the last "/" belongs to a registry's port, not a tag.
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
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

/**
 * The namespace of a channel from its pattern, e.g. `slipway-{channel}` or
 * `{service}-{channel}`; it must come out as a DNS label.
 */
export function resolveNamespace(
  pattern: string,
  names: { service: string; channel: string },
): string {
  const unknown = pattern.match(/\{(?!service\}|channel\})[^}]*\}/);
  if (unknown) {
    throw new InputError(
      `Namespace pattern "${pattern}" has an unknown placeholder ${unknown[0]}; use {service} and {channel}`,
    );
  }
  const namespace = pattern
    .replaceAll('{service}', names.service)
    .replaceAll('{channel}', names.channel);
  const problem = describeInvalidDnsLabel(namespace);
  if (problem) {
    throw new InputError(
      `Namespace "${namespace}" (pattern "${pattern}", service ${names.service}, channel ${names.channel}) is not a valid namespace name: it ${problem}`,
    );
  }
  return namespace;
}

function channelSettings(service: Service, channel: ReleaseChannel) {
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

function commonLabels(service: Service, channel: ReleaseChannel) {
  return {
    [LABELS.name]: service.name,
    [LABELS.managedBy]: 'slipway',
    [LABELS.channel]: channel.name,
  };
}

/**
 * The Kubernetes objects Slipway generates for a version of a service in a
 * channel: a ServiceAccount, a ClusterIP Service and a Deployment. Pure; the
 * deployment id, when given, is stamped on the Deployment.
 */
export function renderServiceObjects(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
  version: string,
  deploymentId?: string,
): ServiceObjects {
  const image = imageReference(service.spec.image, version);
  const { replicas, env } = channelSettings(service, channel);
  const labels = commonLabels(service, channel);
  const selector = appPodSelector(service.name, channel.name);
  const versioned = {
    labels: { ...labels, ...selector, [LABELS.version]: versionLabel(version) },
    annotations: { [VERSION_ANNOTATION]: version },
  };

  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: service.name, namespace, labels },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service.name, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'http',
            port: service.spec.port,
            targetPort: 'http',
            protocol: 'TCP',
          },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: service.name,
        namespace,
        labels: versioned.labels,
        annotations: {
          ...versioned.annotations,
          ...(deploymentId && { [DEPLOYMENT_ID_ANNOTATION]: deploymentId }),
        },
      },
      spec: {
        replicas,
        progressDeadlineSeconds: channel.policy.progressDeadlineSeconds,
        selector: { matchLabels: selector },
        template: {
          metadata: versioned,
          spec: {
            serviceAccountName: service.name,
            containers: [
              {
                name: APP_CONTAINER,
                image,
                ports: [
                  {
                    name: 'http',
                    containerPort: service.spec.port,
                    protocol: 'TCP',
                  },
                ],
                env,
                // Ready once it accepts connections: the one thing every
                // service does, whatever its framework.
                readinessProbe: {
                  tcpSocket: { port: 'http' },
                  periodSeconds: 5,
                },
              },
            ],
          },
        },
      },
    },
  ];
}

/**
 * The name of a deployment's migration Job: the same for every retry of the
 * same deployment (so creating it twice finds the first), different for every
 * deployment, and a valid 63-character name.
 */
export function migrationJobName(
  serviceName: string,
  deploymentId: string,
): string {
  const suffix = `-migrate-${deploymentHash(deploymentId)}`;
  const prefix = serviceName.slice(0, 63 - suffix.length).replace(/-+$/, '');
  return `${prefix}${suffix}`;
}

/** Ten hex digits that tell one deployment's Jobs from another's. */
export function deploymentHash(deploymentId: string): string {
  return createHash('sha256').update(deploymentId).digest('hex').slice(0, 10);
}

/**
 * The Job that runs a service's migration command with the new image before
 * the Deployment is touched: no restarts in place (a failed run is a new pod,
 * up to `retries` times), stopped after the timeout. Pure.
 */
export function renderMigrationJob(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
  version: string,
  deploymentId: string,
): V1Job {
  const migration = service.spec.migration;
  if (!migration) {
    throw new InputError(`Service ${service.name} has no migration step`);
  }
  const { env } = channelSettings(service, channel);
  const labels = {
    ...commonLabels(service, channel),
    [LABELS.component]: 'migration',
    [LABELS.version]: versionLabel(version),
  };
  const annotations = {
    [VERSION_ANNOTATION]: version,
    [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: migrationJobName(service.name, deploymentId),
      namespace,
      labels,
      annotations,
    },
    spec: {
      backoffLimit: migration.retries,
      activeDeadlineSeconds: migration.timeoutSeconds,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: service.name,
          containers: [
            {
              name: MIGRATION_CONTAINER,
              image: imageReference(service.spec.image, version),
              command: migration.command,
              env,
            },
          ],
        },
      },
    },
  };
}
