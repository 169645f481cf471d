import { deployApiRef, DeployClient } from './api';
import { deployPlugin } from './plugin';

describe('deployPlugin', () => {
  it('provides the DeployClient to legacy apps', () => {
    const factory = [...deployPlugin.getApis()].find(
      f => f.api.id === deployApiRef.id,
    );
    expect(factory).toBeDefined();
    const api = factory!.factory({
      discoveryApi: { getBaseUrl: async () => '' },
      fetchApi: { fetch: jest.fn() },
    });
    expect(api).toBeInstanceOf(DeployClient);
  });
});
