import { InputError } from '@backstage/errors';
import { EnvValue, Service } from '@slipway/plugin-deploy-common';
import yaml from 'yaml';

/** One file of a manifest tree: its path inside the tree, and its text. */
export type ManifestFile = {
  path: string;
  content: string;
};

const NAME = 'app.kubernetes.io/name';
const COMPONENT = 'app.kubernetes.io/component';
const CHANNEL = 'slipway.dev/channel';
const APP_CONTAINER = 'app';
const MIGRATION_CONTAINER = 'migrate';

/**
 * YAML that reads the same in every parser on the way to the cluster: as
 * YAML 1.1, strings such as "yes", "on" or "0123" are quoted.
 */
function toYaml(value: unknown, comment?: string): string {
  const document = new yaml.Document(value, {
    version: '1.1',
    aliasDuplicateObjects: false,
  });
  if (comment) {
    document.commentBefore = comment
      .split('\n')
      .map(line => ` ${line}`)
      .join('\n');
  }
  return document.toString();
}

/** A Kubernetes env entry: a literal as a value, a key reference as valueFrom. */
function envVar(
  service: string,
  channel: string,
  name: string,
  value: EnvValue,
) {
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
  throw new InputError(
    `Slipway hides the value of ${name} in ${channel} from you, so it cannot be written into ${service}'s manifests: ` +
      `literal values are shown only to those who may change the service (deploy.service.update). ` +
      `Ask one of its owners to run this, or make the value a secretKeyRef or configMapKeyRef first`,
  );
}

/** A strategic-merge patch that gives one container of a workload env entries. */
function envPatch(
  apiVersion: string,
  kind: string,
  name: string,
  container: string,
  env: unknown[],
) {
  return {
    patch: toYaml({
      apiVersion,
      kind,
      metadata: { name },
      spec: { template: { spec: { containers: [{ name: container, env }] } } },
    }),
  };
}

/**
 * The Kustomize tree of a registered service's small spec: what Slipway
 * generates for it (a ServiceAccount, a ClusterIP Service, a Deployment and
 * the migration Job annotated `slipway.dev/phase: pre-rollout`) in `base/`,
 * and per channel an overlay in `channels/<channel>/` with the channel's
 * replicas and env. The same tree the new-service template starts services
 * with, plus resources and a liveness probe. Selectors carry the labels
 * Slipway's generated objects select by, so a running Deployment can take
 * these manifests (a selector cannot change). Pure.
 */
export function kustomizeTreeFor(
  service: Service,
  channels: string[],
): ManifestFile[] {
  const { name } = service;
  const { image, port, migration } = service.spec;
  const app = { [NAME]: name, [COMPONENT]: 'app' };
  const files: ManifestFile[] = [
    {
      path: 'base/kustomization.yaml',
      content: toYaml(
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: [
            'serviceaccount.yaml',
            'service.yaml',
            'deployment.yaml',
            ...(migration ? ['migrate-job.yaml'] : []),
          ],
        },
        `What ${name} runs in every channel; channels/<channel>/ adds what\n` +
          `differs. Leave namespaces out: Slipway puts every object into the channel's.`,
      ),
    },
    {
      path: 'base/serviceaccount.yaml',
      content: toYaml({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name, labels: { [NAME]: name } },
      }),
    },
    {
      path: 'base/service.yaml',
      content: toYaml({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, labels: { [NAME]: name } },
        spec: {
          type: 'ClusterIP',
          selector: app,
          ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
        },
      }),
    },
    {
      path: 'base/deployment.yaml',
      content: toYaml(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, labels: { [NAME]: name } },
          spec: {
            replicas: 1,
            selector: { matchLabels: app },
            template: {
              metadata: { labels: app },
              spec: {
                serviceAccountName: name,
                containers: [
                  {
                    name: APP_CONTAINER,
                    image,
                    ports: [
                      { name: 'http', containerPort: port, protocol: 'TCP' },
                    ],
                    resources: {
                      requests: { cpu: '100m', memory: '128Mi' },
                      limits: { memory: '256Mi' },
                    },
                    readinessProbe: {
                      tcpSocket: { port: 'http' },
                      periodSeconds: 5,
                    },
                    livenessProbe: {
                      tcpSocket: { port: 'http' },
                      initialDelaySeconds: 10,
                    },
                  },
                ],
              },
            },
          },
        },
        `No tag on the image: Slipway sets the version of every deployment on\n` +
          `each container that uses ${image}.`,
      ),
    },
  ];
  if (migration) {
    const labels = { [NAME]: name, [COMPONENT]: 'migration' };
    files.push({
      path: 'base/migrate-job.yaml',
      content: toYaml(
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name: `${name}-migrate`,
            labels,
            annotations: { 'slipway.dev/phase': 'pre-rollout' },
          },
          spec: {
            backoffLimit: migration.retries,
            activeDeadlineSeconds: migration.timeoutSeconds,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: name,
                containers: [
                  {
                    name: MIGRATION_CONTAINER,
                    image,
                    command: migration.command,
                  },
                ],
              },
            },
          },
        },
        `The migration: Slipway runs this Job with the new version before every\n` +
          `rollout (slipway.dev/phase: pre-rollout), under a name of its own for\n` +
          `each deployment; when it fails, the running version is left as it was.`,
      ),
    });
  }
  for (const channel of channels) {
    const settings = service.spec.channels[channel];
    // Sorted, as Slipway renders env, so the pod template stays the same.
    const env = Object.entries(settings?.env ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => envVar(name, channel, key, value));
    const patches = env.length
      ? [
          envPatch('apps/v1', 'Deployment', name, APP_CONTAINER, env),
          // The migration runs with the channel's env too, as Slipway's does.
          ...(migration
            ? [
                envPatch(
                  'batch/v1',
                  'Job',
                  `${name}-migrate`,
                  MIGRATION_CONTAINER,
                  env,
                ),
              ]
            : []),
        ]
      : [];
    files.push({
      path: `channels/${channel}/kustomization.yaml`,
      content: toYaml(
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['../../base'],
          labels: [{ pairs: { [CHANNEL]: channel }, includeSelectors: true }],
          replicas: [{ name, count: settings?.replicas ?? 1 }],
          ...(patches.length > 0 && { patches }),
        },
        `${channel}: Slipway builds this directory for deployments to the ${channel} channel.\n` +
          `The channel label is in the selectors too, as in the objects Slipway\n` +
          `generates: a Deployment's selector cannot change once it exists.`,
      ),
    });
  }
  return files;
}
