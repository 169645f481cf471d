import { DeploymentStatus } from './api';

/**
 * Every status a deployment passes through, in the order of its life; see
 * docs/architecture.md, "A deployment's life". The spec's `DeploymentStatus`
 * enum must list the same ones (deploymentStatuses.test.ts checks it).
 *
 * @public
 */
export const DEPLOYMENT_STATUSES = [
  'requested',
  'awaiting_approval',
  'migrating',
  'rolling_out',
  'soaking',
  'succeeded',
  'rejected',
  'failed',
  'rolling_back',
  'rolled_back',
  'cancelled',
] as const satisfies readonly DeploymentStatus[];

/**
 * Statuses after which a deployment never changes again.
 *
 * @public
 */
export const FINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'succeeded',
  'rejected',
  'failed',
  'rolled_back',
  'cancelled',
];

/** @public */
export function isFinalDeploymentStatus(status: DeploymentStatus): boolean {
  return FINAL_DEPLOYMENT_STATUSES.includes(status);
}
