import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { ClusterError } from '../kubernetes/kubernetesErrors';

/**
 * Answers of the API server that no retry changes: the object is invalid
 * (400, 422), refused by admission or RBAC (403), its namespace or kind is
 * gone (404), or it conflicts (409).
 */
const PERMANENT_STATUS_CODES = new Set([400, 403, 404, 409, 422]);

/**
 * Why an error ends a deployment for good, or undefined when it is
 * transient (a timeout, a 5xx, a reset, a lost database connection) and a
 * later attempt may succeed.
 */
export function permanentReason(error: unknown): string | undefined {
  if (error instanceof NotFoundError) {
    return `${error.message} (does the channel's namespace exist?)`;
  }
  if (error instanceof InputError || error instanceof NotAllowedError) {
    return error.message;
  }
  if (
    error instanceof ClusterError &&
    error.statusCode !== undefined &&
    PERMANENT_STATUS_CODES.has(error.statusCode)
  ) {
    return error.message;
  }
  return undefined;
}

/** How long to wait before attempt `attempt` (1-based) after a transient error: doubling, capped, with jitter. */
export function retryDelayMs(attempt: number, capMs = 30_000): number {
  const base = Math.min(1000 * 2 ** attempt, capMs);
  return Math.round(base * (0.75 + Math.random() * 0.25));
}
