import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { deployPlugin } from './plugin';

describe('deployPlugin', () => {
  it('starts, migrates its database and serves its health route', async () => {
    const { server } = await startTestBackend({
      features: [deployPlugin, mockServices.database.factory()],
    });
    const response = await request(server).get('/api/deploy/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});
