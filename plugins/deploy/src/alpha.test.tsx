import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import deployFrontendPlugin, { deployApi } from './alpha';
import { deployApiRef } from './api';

describe('deploy plugin for the new frontend system', () => {
  it('provides the deploy API', () => {
    const factory = createExtensionTester(deployApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe(deployApiRef.id);
  });

  it('is the deploy plugin', () => {
    expect(deployFrontendPlugin.id).toBe('deploy');
  });
});
