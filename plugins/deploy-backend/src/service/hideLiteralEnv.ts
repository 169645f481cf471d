import { Service } from '@slipway/plugin-deploy-common';

/**
 * The service as a reader who may not update it sees it: literal env values
 * become `{ hidden: true }`; Secret and ConfigMap references stay, by name.
 */
export function hideLiteralEnv(service: Service): Service {
  const channels = Object.fromEntries(
    Object.entries(service.spec.channels).map(([name, settings]) => [
      name,
      {
        ...settings,
        env: Object.fromEntries(
          Object.entries(settings.env ?? {}).map(([key, value]) => [
            key,
            typeof value === 'string' ? { hidden: true as const } : value,
          ]),
        ),
      },
    ]),
  );
  return { ...service, spec: { ...service.spec, channels } };
}
