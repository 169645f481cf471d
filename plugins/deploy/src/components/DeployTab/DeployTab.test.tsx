import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { mockDeployApi } from '../../__testUtils__/mockDeployApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DeployTab } from './DeployTab';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
});

describe('DeployTab', () => {
  it('tells how to opt in when the entity has no Slipway annotation', async () => {
    const deployApi = mockDeployApi();
    await renderWithApis(
      <EntityProvider entity={entity({})}>
        <DeployTab />
      </EntityProvider>,
      { deployApi },
    );
    expect(
      screen.getByText('Slipway does not deploy this entity yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/slipway\.dev\/service/)).toBeInTheDocument();
    expect(deployApi.getServiceStatus).not.toHaveBeenCalled();
  });

  it('shows the Slipway service named by the annotation', async () => {
    const deployApi = mockDeployApi();
    deployApi.getServiceStatus.mockRejectedValue(new Error('unreachable'));
    await renderWithApis(
      <EntityProvider
        entity={entity({ 'slipway.dev/service': 'payments-api' })}
      >
        <DeployTab />
      </EntityProvider>,
      { deployApi },
    );
    await screen.findByText('Error: unreachable', { selector: 'h6' });
    expect(deployApi.getServiceStatus).toHaveBeenCalledWith('payments-api');
  });
});
