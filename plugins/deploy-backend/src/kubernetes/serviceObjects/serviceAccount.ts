import type { V1ServiceAccount } from '@kubernetes/client-node';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { commonLabels } from './slipwayLabels';

/** The ServiceAccount a service's app and migration pods run as in a channel. */
export function renderServiceAccount(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: service.name,
      namespace,
      labels: commonLabels(service, channel),
    },
  };
}
