import { randomUUID } from 'node:crypto';
import {
  DEPLOYMENT_STATUSES,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { StoredDeployment } from '../DeploymentStore';
import { databaseNow } from '../databaseNow';
import { toStoredDeployment } from '../rowMapping';
import { DeploymentsTableRow } from '../tables';

/** Statuses a worker can advance; awaiting_approval waits for a person. */
export const RUNNABLE_STATUSES = DEPLOYMENT_STATUSES.filter(
  status => !isFinalDeploymentStatus(status) && status !== 'awaiting_approval',
);

/**
 * How many candidates one call tries before giving up to the next poll: a
 * replica that loses a race moves on to the next candidate instead of failing.
 */
const CANDIDATES_PER_CALL = 5;

/**
 * Claims the oldest runnable deployment that is due, and unclaimed or whose
 * claim went stale (no heartbeat within the lease, so its driver is presumed
 * dead). Times are the database's, so every replica agrees on them.
 *
 * The claim is a conditional UPDATE that re-checks the claimability and is
 * trusted only if it changed exactly one row: when replicas race for the same
 * row, the database serialises the updates and only the first one matches.
 * Each claim gets a new token; the writes of an earlier claim no longer match.
 */
export async function claimNextDeployment(
  knex: Knex,
  options: { workerId: string; leaseSeconds: number; exclude?: string[] },
): Promise<StoredDeployment | undefined> {
  const now = await databaseNow(knex);
  const staleBefore = new Date(now.getTime() - options.leaseSeconds * 1000);
  const claimable = (rows: Knex.QueryBuilder<DeploymentsTableRow>) =>
    rows
      .whereIn('status', RUNNABLE_STATUSES)
      .andWhere(claim =>
        claim
          .whereNull('claim_token')
          .orWhere('heartbeat_at', '<', staleBefore),
      )
      .andWhere(due => due.whereNull('due_at').orWhere('due_at', '<=', now));

  const candidates: Pick<DeploymentsTableRow, 'id'>[] = await claimable(
    knex<DeploymentsTableRow>('deployments').select('id'),
  )
    .whereNotIn('id', options.exclude ?? [])
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(CANDIDATES_PER_CALL);

  for (const { id } of candidates) {
    const token = randomUUID();
    const claimed = await claimable(
      knex<DeploymentsTableRow>('deployments').where('id', id),
    ).update({
      claimed_by: options.workerId,
      claim_token: token,
      heartbeat_at: now,
      due_at: null,
    });
    if (claimed === 1) {
      const row = await knex<DeploymentsTableRow>('deployments')
        .where('id', id)
        .first();
      return row && { ...toStoredDeployment(row), claim: token };
    }
  }
  return undefined;
}
