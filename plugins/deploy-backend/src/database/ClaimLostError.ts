import { CustomErrorBase } from '@backstage/errors';

/**
 * A write was fenced off: the claim it was made under is no longer the
 * deployment's (another driver took it over, or someone aborted the
 * deployment). The driver stops at once and writes nothing more.
 */
export class ClaimLostError extends CustomErrorBase {
  name = 'ClaimLostError' as const;
}
