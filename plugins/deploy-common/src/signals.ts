import { DeploymentStatus } from './api';

/**
 * What the deploy backend publishes on a service's signal channel (see
 * {@link serviceSignalChannel}): its live rollout state in a channel
 * changed, one of its deployments changed, or a release of it was published.
 * The backend publishes these and the Deploy tab subscribes to them.
 *
 * @public
 */
export type DeploySignal =
  | { type: 'status-changed'; channel: string }
  | {
      type: 'deployment-changed';
      deploymentId: string;
      status: DeploymentStatus;
    }
  | { type: 'release-published'; version: string };

/**
 * The signal channel of one service: `deploy:service:<name>`.
 *
 * @public
 */
export function serviceSignalChannel(service: string): string {
  return `deploy:service:${service}`;
}
