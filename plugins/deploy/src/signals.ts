/**
 * What the deploy backend publishes on a service's signal channel when its
 * rollout state or one of its deployments changes.
 *
 * @public
 */
export type DeploySignal = {
  type: 'status-changed' | 'deployment-changed';
  deploymentId?: string;
};

/**
 * The signal channel of one service: `deploy:service:<name>`.
 *
 * @public
 */
export function serviceSignalChannel(service: string): string {
  return `deploy:service:${service}`;
}
