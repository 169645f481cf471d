import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonValue } from '@backstage/types';
import request from 'supertest';
import { deployPlugin } from './plugin';
import { writeUnreachableKubeconfig } from './__testUtils__/unreachableCluster';

const kubeconfigPath = writeUnreachableKubeconfig();

const config = (channels: JsonValue) => ({
  deploy: { clusters: [{ name: 'local', kubeconfigPath }], channels },
});

describe('deployPlugin', () => {
  it('starts, migrates its database and serves its health route and channels', async () => {
    const { server } = await startTestBackend({
      features: [
        deployPlugin,
        mockServices.database.factory(),
        mockServices.rootConfig.factory({
          data: config([
            { name: 'dev', cluster: 'local' },
            { name: 'prod', cluster: 'local', approval: { required: true } },
          ]),
        }),
      ],
    });
    const health = await request(server).get('/api/deploy/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const channels = await request(server)
      .get('/api/deploy/channels')
      .set('Authorization', mockCredentials.user.header());
    expect(channels.status).toBe(200);
    expect(channels.body.items.map((c: { name: string }) => c.name)).toEqual([
      'dev',
      'prod',
    ]);
    expect(channels.body.items[1].policy.approvalRequired).toBe(true);
  });

  it('fails at start naming the key of a channel whose cluster is not configured', async () => {
    await expect(
      startTestBackend({
        features: [
          deployPlugin,
          mockServices.database.factory(),
          mockServices.rootConfig.factory({
            data: config([{ name: 'dev', cluster: 'elsewhere' }]),
          }),
        ],
      }),
    ).rejects.toThrow(
      /deploy\.channels\[0\]\.cluster: cluster "elsewhere" is not configured/,
    );
  });
});
