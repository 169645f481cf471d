import type { V1Deployment } from '@kubernetes/client-node';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { channelSettings } from './channelSettings';
import { imageReference } from './imageReference';
import {
  DEPLOYMENT_ID_ANNOTATION,
  LABELS,
  VERSION_ANNOTATION,
  appPodSelector,
  commonLabels,
  versionLabel,
} from './slipwayLabels';

/** The name of the service's container in its Deployment. */
export const APP_CONTAINER = 'app';

/**
 * The Deployment that runs a version of a service in a channel, with the
 * channel's replicas and env; the deployment id, when given, is stamped on it.
 */
export function renderAppDeployment(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
  version: string,
  deploymentId?: string,
): V1Deployment {
  const image = imageReference(service.spec.image, version);
  const { replicas, env } = channelSettings(service, channel);
  const selector = appPodSelector(service.name, channel.name);
  const versioned = {
    labels: {
      ...commonLabels(service, channel),
      ...selector,
      [LABELS.version]: versionLabel(version),
    },
    annotations: { [VERSION_ANNOTATION]: version },
  };

  return {
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
  };
}
