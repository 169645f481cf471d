import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { DeployTab } from './DeployTab';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
});

describe('DeployTab', () => {
  it('tells how to opt in when the entity has no Slipway annotation', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity({})}>
        <DeployTab />
      </EntityProvider>,
    );
    expect(
      screen.getByText('Slipway does not deploy this entity yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/slipway\.dev\/service/)).toBeInTheDocument();
  });

  it('names the Slipway service of an annotated entity', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity({ 'slipway.dev/service': 'checkout' })}>
        <DeployTab />
      </EntityProvider>,
    );
    expect(
      screen.getByText('Deploying checkout is coming soon'),
    ).toBeInTheDocument();
  });
});
