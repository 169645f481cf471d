import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { RenderToolMissingError } from '../manifests/render/RenderToolMissingError';
import { ClusterError } from '../kubernetes/kubernetesErrors';

/** Errors whose message is written for the caller: what is wrong and what to do. */
const CALLER_ERRORS = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotModifiedError',
]);

export function isCallerError(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  if (CALLER_ERRORS.has(error.name)) {
    return true;
  }
  // body-parser's 413 and the like carry their own 4xx status.
  const status =
    (error as { status?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The message of a failure for a deployment's timeline, which every reader
 * of the service sees: the caller-facing and cluster messages as they are,
 * anything else replaced by an error id that the log line carries.
 */
export function publicFailureMessage(
  error: unknown,
  logger: LoggerService,
  context: string,
): string {
  if (
    error instanceof ClusterError ||
    error instanceof RenderToolMissingError ||
    isCallerError(error)
  ) {
    if (error instanceof ClusterError) {
      logger.debug(`${context}: ${error.detail}`);
    }
    return (error as Error).message;
  }
  const errorId = randomUUID();
  logger.error(`${context}: ${error}`, { errorId });
  return `an internal error (error id ${errorId} in the backend log)`;
}
