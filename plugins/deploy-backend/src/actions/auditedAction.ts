import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { callerOf } from '../service/callerOf';

/**
 * Runs a state-changing action inside an audit event, authorisation
 * included, as the REST routes do. An action has no HTTP request for the
 * auditor to read the caller from, so the caller is recorded in the event's
 * meta (`caller`), with `via: "actions"`.
 */
export async function auditedAction<T>(
  auditor: AuditorService,
  credentials: BackstageCredentials,
  eventId: string,
  meta: Record<string, string | undefined>,
  action: () => Promise<T>,
): Promise<T> {
  const clean = Object.fromEntries(
    Object.entries(meta).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    meta: {
      ...clean,
      caller: callerOf(credentials).userEntityRef,
      via: 'actions',
    },
  });
  try {
    const result = await action();
    await event.success();
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
