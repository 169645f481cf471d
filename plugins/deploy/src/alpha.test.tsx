import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor } from '@testing-library/react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import deployFrontendPlugin, { deployApi, deployEntityContent } from './alpha';
import { deployApiRef } from './api';
import { mockDeployApi } from './__testUtils__/mockDeployApi';

describe('deploy plugin for the new frontend system', () => {
  it('provides the deploy API', () => {
    const factory = createExtensionTester(deployApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe(deployApiRef.id);
  });

  it('adds the Deploy tab only to entities with the Slipway annotation', () => {
    const tester = createExtensionTester(deployEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Deploy');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    const entity = (annotations: Record<string, string>) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'checkout', annotations },
    });
    expect(filter!(entity({ 'slipway.dev/service': 'checkout' }))).toBe(true);
    expect(filter!(entity({}))).toBe(false);
  });

  it('serves the Deployments page at /deployments', async () => {
    const api = mockDeployApi();
    api.getTeamMetrics.mockResolvedValue({
      team: 'group:default/team-payments',
      from: '',
      to: '',
      deployments: 0,
      perDay: [],
    });
    renderTestApp({
      features: [deployFrontendPlugin],
      initialRouteEntries: ['/deployments'],
      apis: [
        [deployApiRef, api],
        [catalogApiRef, catalogApiMock()],
        mockApis.identity({
          userEntityRef: 'user:default/ada',
          ownershipEntityRefs: ['group:default/team-payments'],
        }),
      ],
    });
    // One header: the page's own, not the plugin header on top of it.
    expect(
      await screen.findByText("Every deployment of your team's services"),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('heading', { name: 'Deployments' }),
    ).toHaveLength(1);
    await waitFor(() =>
      expect(api.listDeployments).toHaveBeenCalledWith(
        expect.objectContaining({ team: 'group:default/team-payments' }),
      ),
    );
    expect(await screen.findByText('No deployments match.')).toBeTruthy();
  });
});
