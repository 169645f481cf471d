import { AuditorService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * Runs a state-changing call inside an audit event, authorisation included:
 * a refusal by the policy is recorded with the caller, the permission and
 * the resource. The caller is the request's when there is one (a route);
 * an action has none and names it in `meta`.
 */
export async function audited<T>(
  auditor: AuditorService,
  event: {
    eventId: string;
    meta: Record<string, string | undefined>;
    request?: express.Request;
  },
  action: () => Promise<T>,
): Promise<T> {
  const meta = Object.fromEntries(
    Object.entries(event.meta).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const auditEvent = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: 'medium',
    ...(event.request && { request: event.request }),
    meta,
  });
  try {
    const result = await action();
    await auditEvent.success();
    return result;
  } catch (error) {
    await auditEvent.fail({ error: error as Error });
    throw error;
  }
}
