import { mockServices } from '@backstage/backend-test-utils';
import { noteMissingEventsBackend } from './noteMissingEventsBackend';

function note(options: { plugins: string[]; config?: object }) {
  const logger = mockServices.logger.mock();
  const said = noteMissingEventsBackend({
    config: mockServices.rootConfig({ data: options.config ?? {} }),
    instanceMetadata: {
      getInstalledPlugins: async () =>
        options.plugins.map(pluginId => ({ pluginId, modules: [] })),
    },
    logger,
  });
  return { said, logger };
}

describe('noteMissingEventsBackend', () => {
  it('says once, at info level, what is lost and how to add the events backend', async () => {
    const { said, logger } = note({ plugins: ['deploy', 'signals'] });
    await expect(said).resolves.toBe(true);
    expect(logger.info).toHaveBeenCalledTimes(1);
    const message = logger.info.mock.calls[0][0];
    expect(message).toContain('@backstage/plugin-events-backend');
    expect(message).toContain('live updates reach only browsers');
    expect(message).toContain(
      "backend.add(import('@backstage/plugin-events-backend'))",
    );
    expect(message).toContain('events.useEventBus: never');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('says nothing when the events backend is installed here or elsewhere, or the bus is turned off', async () => {
    for (const options of [
      { plugins: ['deploy', 'events'] },
      {
        plugins: ['deploy'],
        config: {
          discovery: {
            endpoints: [{ target: 'http://events:7007', plugins: ['events'] }],
          },
        },
      },
      { plugins: ['deploy'], config: { events: { useEventBus: 'never' } } },
    ]) {
      const { said, logger } = note(options);
      await expect(said).resolves.toBe(false);
      expect(logger.info).not.toHaveBeenCalled();
    }
  });
});
