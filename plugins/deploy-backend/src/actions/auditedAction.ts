import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { audited } from '../service/audited';
import { callerOf } from '../service/callerOf';

/**
 * Runs a state-changing call inside an audit event, as the REST routes do.
 * From a route, the auditor reads the caller from the request; an action has
 * no HTTP request, so the caller is recorded in the event's meta (`caller`),
 * with `via: "actions"`.
 */
export async function auditedAction<T>(
  auditor: AuditorService,
  credentials: BackstageCredentials,
  eventId: string,
  meta: Record<string, string | undefined>,
  action: () => Promise<T>,
  request?: express.Request,
): Promise<T> {
  return audited(
    auditor,
    {
      eventId,
      request,
      meta: request
        ? meta
        : {
            ...meta,
            caller: callerOf(credentials).userEntityRef,
            via: 'actions',
          },
    },
    action,
  );
}
