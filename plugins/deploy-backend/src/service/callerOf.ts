import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Caller } from './DeployService';

/**
 * Who is calling, as Slipway records it: a user's entity ref, or
 * "service:<subject>" for a service principal such as CI's token. The same
 * as the REST API records.
 */
export function callerOf(
  credentials: BackstageCredentials,
  mayOverride = false,
): Caller {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return {
    userEntityRef:
      p.type === 'user' ? p.userEntityRef! : `service:${p.subject}`,
    mayOverride,
  };
}
