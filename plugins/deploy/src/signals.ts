/**
 * What the deploy backend publishes on a service's signal channel when its
 * rollout state or one of its deployments changes, or a release of it is
 * published.
 *
 * @public
 */
export type DeploySignal = {
  type: 'status-changed' | 'deployment-changed' | 'release-published';
  /** Set on "deployment-changed". */
  deploymentId?: string;
  /** The deployment's new status, on "deployment-changed". */
  status?: string;
  /** The channel whose live state changed, on "status-changed". */
  channel?: string;
  /** The published version, on "release-published". */
  version?: string;
};

/**
 * The signal channel of one service: `deploy:service:<name>`.
 *
 * @public
 */
export function serviceSignalChannel(service: string): string {
  return `deploy:service:${service}`;
}
