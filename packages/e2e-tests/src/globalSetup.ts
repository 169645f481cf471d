import { FullConfig } from '@playwright/test';
import { PortalApi } from './PortalApi';
import { ledger, mailer, shop, stack, user } from './services';

/** The static external access token of app-config.e2e.yaml. */
const E2E_SETUP_TOKEN = 'e2e-setup-registers-services';

/**
 * Registers the tests' services with the freshly started portal and gives
 * the user's team's services a healthy version: e2e-shop in every channel,
 * e2e-mailer in dev. The other team's e2e-ledger stays undeployed.
 */
export default async function globalSetup(config: FullConfig) {
  const baseUrl = config.projects[0].use.baseURL!;
  // A session records the teams the user is in when it starts: start the one
  // that deploys only once the catalog knows the guest and the services.
  const reader = await PortalApi.signIn(baseUrl);
  for (const ref of [
    user.ref,
    ...[shop, mailer, ledger, stack].map(s => `component:default/${s.name}`),
  ]) {
    await reader.waitForEntity(ref);
  }
  const api = await PortalApi.signIn(baseUrl);
  // The user owns shop and mailer; ledger is another team's, so a service
  // principal allowed to register services (app-config.e2e.yaml) does it.
  const registrar = PortalApi.asService(baseUrl, E2E_SETUP_TOKEN);

  for (const service of [shop, mailer, ledger]) {
    const as = service === ledger ? registrar : api;
    await as.request('POST', '/deploy/services', {
      name: service.name,
      entityRef: `component:default/${service.name}`,
      spec: {
        image: `registry.slipway.test/${service.name}`,
        port: 8080,
        channels: {
          dev: { replicas: 1 },
          staging: { replicas: 1 },
          prod: { replicas: 2 },
        },
      },
    });
  }

  // Its objects come from its own manifests; the spec names the image to version.
  await api.request('POST', '/deploy/services', {
    name: stack.name,
    entityRef: `component:default/${stack.name}`,
    spec: {
      image: `registry.slipway.test/${stack.name}`,
      port: 8080,
      channels: {},
    },
  });

  const { items: channels } = await api.channels();
  const ordered = [...channels].sort((a, b) => a.order - b.order);
  const setUp = [
    (async () => {
      // In promotion order: each channel takes what succeeded in the one before.
      for (const channel of ordered) {
        const done = await api.deploy(
          shop.name,
          channel.name,
          shop.baseVersion,
        );
        if (done.status !== 'succeeded') {
          throw new Error(
            `set-up: ${shop.name} in ${channel.name} ${done.status}`,
          );
        }
      }
    })(),
    (async () => {
      const done = await api.deploy(
        mailer.name,
        ordered[0].name,
        mailer.baseVersion,
      );
      if (done.status !== 'succeeded') {
        throw new Error(`set-up: ${mailer.name} ${done.status}`);
      }
    })(),
    (async () => {
      for (const [channel, version] of [
        [ordered[0].name, stack.baseVersion],
        [ordered[1].name, stack.baseVersion],
        [ordered[0].name, stack.nextVersion],
      ]) {
        const done = await api.deploy(stack.name, channel, version);
        if (done.status !== 'succeeded') {
          throw new Error(
            `set-up: ${stack.name} ${version} in ${channel} ${done.status}`,
          );
        }
      }
    })(),
  ];
  await Promise.all(setUp);
}
