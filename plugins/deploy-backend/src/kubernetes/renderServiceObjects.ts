import type {
  V1Deployment,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { renderAppDeployment } from './serviceObjects/appDeployment';
import { renderAppService } from './serviceObjects/appService';
import { renderServiceAccount } from './serviceObjects/serviceAccount';

/** The objects Slipway generates for a service in a channel, in apply order. */
export type ServiceObjects = [
  serviceAccount: V1ServiceAccount,
  service: V1Service,
  deployment: V1Deployment,
];

/**
 * The Kubernetes objects Slipway generates for a version of a service in a
 * channel: a ServiceAccount, a ClusterIP Service and a Deployment. Pure; the
 * deployment id, when given, is stamped on the Deployment. Each object, the
 * migration Job and the labels they share are in `serviceObjects/`.
 */
export function renderServiceObjects(
  service: Service,
  channel: ReleaseChannel,
  namespace: string,
  version: string,
  deploymentId?: string,
): ServiceObjects {
  return [
    renderServiceAccount(service, channel, namespace),
    renderAppService(service, channel, namespace),
    renderAppDeployment(service, channel, namespace, version, deploymentId),
  ];
}
