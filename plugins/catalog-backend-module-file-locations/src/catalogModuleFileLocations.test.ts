import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import catalogModuleFileLocations from '.';

const catalogInfo = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: published-service
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-payments
`;

describe('catalogModuleFileLocations', () => {
  const published = createMockDirectory({
    content: { 'published-service/catalog-info.yaml': catalogInfo },
  });
  const target = published.resolve('published-service/catalog-info.yaml');
  const guest = mockCredentials.user.header('user:default/guest');

  async function startCatalog(deploy: object) {
    return startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleFileLocations,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: { catalog: { rules: [{ allow: ['Component'] }] }, deploy },
        }),
      ],
    });
  }

  it('lets the catalog API register file locations when local publishing is configured', async () => {
    const backend = await startCatalog({
      localPublish: { directory: published.path },
    });

    const dryRun = await request(backend.server)
      .post('/api/catalog/locations?dryRun=true')
      .set('Authorization', guest)
      .send({ type: 'file', target });
    expect(dryRun.status).toBe(201);
    // The catalog read the file: its component comes back with the location.
    expect(dryRun.body.entities).toContainEqual(
      expect.objectContaining({
        kind: 'Component',
        metadata: expect.objectContaining({ name: 'published-service' }),
      }),
    );

    const created = await request(backend.server)
      .post('/api/catalog/locations')
      .set('Authorization', guest)
      .send({ type: 'file', target });
    expect(created.status).toBe(201);
    expect(created.body.location).toMatchObject({ type: 'file', target });

    await backend.stop();
  });

  it('keeps the catalog default, URLs only, when local publishing is not configured', async () => {
    const backend = await startCatalog({});

    const response = await request(backend.server)
      .post('/api/catalog/locations')
      .set('Authorization', guest)
      .send({ type: 'file', target });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'Registered locations must be of an allowed type ["url"]',
    );

    await backend.stop();
  });
});
