import {
  LoggerService,
  RootConfigService,
  RootInstanceMetadataService,
} from '@backstage/backend-plugin-api';

/**
 * Without `@backstage/plugin-events-backend`, Backstage's events service
 * warns "events backend not found" the first time Slipway announces a
 * change, without saying what that costs. Say it once, at start-up: what
 * Slipway loses, and how to add the events backend or silence the warning.
 * Returns whether it said so.
 */
export async function noteMissingEventsBackend(options: {
  config: RootConfigService;
  instanceMetadata: RootInstanceMetadataService;
  logger: LoggerService;
}): Promise<boolean> {
  const { config, instanceMetadata, logger } = options;
  // The operator chose to keep events in each process.
  if (config.getOptionalString('events.useEventBus') === 'never') {
    return false;
  }
  const here = await instanceMetadata.getInstalledPlugins();
  // Or another instance of a split deployment serves it.
  const elsewhere = config
    .getOptionalConfigArray('discovery.endpoints')
    ?.some(e => e.getOptionalStringArray('plugins')?.includes('events'));
  if (here.some(p => p.pluginId === 'events') || elsewhere) {
    return false;
  }
  logger.info(
    'No events backend (@backstage/plugin-events-backend) in this Backstage: ' +
      "the Deploy tab's live updates reach only browsers connected to the backend replica that made the change. " +
      'With one replica nothing is lost; with more, other users see a rollout progress only when they reload. ' +
      "To share updates between replicas, add backend.add(import('@backstage/plugin-events-backend')) to the backend. " +
      'Backstage warns "events backend not found" once when the first change is announced; ' +
      'events.useEventBus: never in app-config.yaml keeps events in each process and silences it.',
  );
  return true;
}
