import { expect, test } from '@playwright/test';
import { PortalApi } from './PortalApi';
import { signIn } from './signIn';

/** Entities of entities.yaml that name a service Slipway does not know yet. */
const adopt = {
  name: 'e2e-adopt',
  ref: 'component:default/e2e-adopt',
  entityPath: '/catalog/default/component/e2e-adopt/deploy',
};
const unadopted = {
  name: 'e2e-unadopted',
  ref: 'component:default/e2e-unadopted',
  entityPath: '/catalog/default/component/e2e-unadopted/deploy',
};

test.beforeEach(async ({ page, baseURL }) => {
  const api = await PortalApi.signIn(baseURL!);
  await api.waitForEntity(adopt.ref);
  await api.waitForEntity(unadopted.ref);
  await signIn(page);
});

test('an owner sets up deployments of an existing service from its Deploy tab and sees its channels', async ({
  page,
  baseURL,
}) => {
  const api = await PortalApi.signIn(baseURL!);
  const { items } = await api.channels();

  await page.goto(adopt.entityPath);
  const form = page.getByRole('form', { name: 'Set up deployments' });
  await expect(form).toBeVisible();
  await expect(form.getByLabel(/^Service name/)).toHaveValue(adopt.name);
  await expect(form.getByLabel('Catalog entity')).toHaveValue(adopt.ref);

  // Nothing is sent without an image repository.
  await form.getByRole('button', { name: 'Set up deployments' }).click();
  await expect(form.getByText('Image repository is required')).toBeVisible();

  // The backend's schema refuses what the form does not check, naming the field.
  await form
    .getByLabel(/^Image repository/)
    .fill('Registry.Slipway.Test/E2E-Adopt:latest');
  await form.getByRole('button', { name: 'Set up deployments' }).click();
  await expect(form.getByRole('alert')).toContainText(/image/);

  await form
    .getByLabel(/^Image repository/)
    .fill(`registry.slipway.test/${adopt.name}`);
  await form.getByLabel(/^Port/).fill('8080');
  await form.getByRole('button', { name: 'Set up deployments' }).click();

  // The tab turns into the service's, without a reload.
  const cards = page.getByRole('region', { name: /^Channel / });
  await expect(cards).toHaveCount(items.length);
  for (const channel of items) {
    await expect(
      page.getByRole('region', { name: `Channel ${channel.name}` }),
    ).toBeVisible();
  }
  await expect(form).toBeHidden();

  // Registered as the entity's: owned by the entity's owner.
  const service = await api.request<{ entityRef: string; ownerRef: string }>(
    'GET',
    `/deploy/services/${adopt.name}`,
  );
  expect(service).toMatchObject({
    entityRef: adopt.ref,
    ownerRef: 'group:default/team-payments',
  });
});

test('a user who does not own the service is told whom to ask instead of getting a form', async ({
  page,
}) => {
  await page.goto(unadopted.entityPath);
  await expect(
    page.getByText(`Slipway does not deploy ${unadopted.name} yet`),
  ).toBeVisible();
  await expect(
    page.getByText(
      `Only the owners of ${unadopted.ref} may set up its deployments: group:default/team-growth.`,
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('form', { name: 'Set up deployments' }),
  ).toHaveCount(0);
});

test("no one takes a service name another team's entity claims, not even through the API", async ({
  baseURL,
}) => {
  const api = await PortalApi.signIn(baseURL!);
  const plain = 'component:default/e2e-plain';
  await api.waitForEntity(plain);
  const spec = {
    image: 'registry.slipway.test/stolen',
    port: 8080,
    channels: {},
  };

  // The user owns e2e-plain, which names no service; e2e-unadopted's entity
  // (team-growth's) names that service, so only it may register it.
  await expect(
    api.request('POST', '/deploy/services', {
      name: unadopted.name,
      entityRef: plain,
      spec,
    }),
  ).rejects.toThrow(
    new RegExp(
      `: 409 [\\s\\S]*ConflictError[\\s\\S]*the service \\\\"${unadopted.name}\\\\" is named by ${unadopted.ref}`,
    ),
  );
  // An entity registers only the service its annotation names.
  await expect(
    api.request('POST', '/deploy/services', {
      name: unadopted.name,
      entityRef: adopt.ref,
      spec,
    }),
  ).rejects.toThrow(/^POST \/deploy\/services: 400 [\s\S]*names the service/);
  // Nothing was registered.
  await expect(
    api.request('GET', `/deploy/services/${unadopted.name}`),
  ).rejects.toThrow(/: 404 /);
});
