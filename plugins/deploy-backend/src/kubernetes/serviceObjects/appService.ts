import type { V1Service } from '@kubernetes/client-node';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { appPodSelector, commonLabels } from './slipwayLabels';

/**
 * The ClusterIP Service in front of a service's app pods in a channel. It
 * carries no version, so a new version does not touch it.
 */
export function renderAppService(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: service.name,
      namespace,
      labels: commonLabels(service, channel),
    },
    spec: {
      type: 'ClusterIP',
      selector: appPodSelector(service.name, channel.name),
      ports: [
        {
          name: 'http',
          port: service.spec.port,
          targetPort: 'http',
          protocol: 'TCP',
        },
      ],
    },
  };
}
