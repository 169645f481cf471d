import {
  LoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  AuditorEvent,
  DefaultAuditorService,
} from '@backstage/backend-defaults/auditor';
import { notificationService } from '@backstage/plugin-notifications-node';

/** A log line, as a test reads it back. */
export interface CapturedLogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta?: unknown;
}

function capturingLogger(
  lines: CapturedLogLine[],
  fields: Record<string, unknown> = {},
): LoggerService {
  const at =
    (level: CapturedLogLine['level']) =>
    (message: string, meta?: Error | Record<string, unknown>) => {
      lines.push({ level, message, meta: { ...fields, ...meta } });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: more => capturingLogger(lines, { ...fields, ...more }),
  };
}

/**
 * The root logger, the auditor and the notification service, each keeping
 * what it was given, so a test can read every log line, audit record and
 * notification a backend produced. The auditor is Backstage's own; only where
 * it writes to is swapped.
 */
export function capturingServices() {
  const logLines: CapturedLogLine[] = [];
  const auditRecords: AuditorEvent[] = [];
  const notifications: unknown[] = [];
  const factories = [
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => capturingLogger(logLines),
    }),
    createServiceFactory({
      service: coreServices.auditor,
      deps: {
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        plugin: coreServices.pluginMetadata,
      },
      factory: deps =>
        DefaultAuditorService.create(async event => {
          auditRecords.push(event);
        }, deps),
    }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async (options: unknown) => {
          notifications.push(options);
        },
      }),
    }),
  ];
  return { factories, logLines, auditRecords, notifications };
}
