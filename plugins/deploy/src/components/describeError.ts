import { ResponseError } from '@backstage/errors';

/**
 * The sentence to show for a failed call: the backend's own message when it
 * sent one (e.g. "checkout already has an active deployment in prod"),
 * otherwise the error's.
 */
export function describeError(error: Error): string {
  if (error instanceof ResponseError && error.cause?.message) {
    return error.cause.message;
  }
  return error.message;
}
