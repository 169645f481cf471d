import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { TeamPicker } from './TeamPicker';

const group = (name: string, displayName: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', profile: { displayName }, children: [] },
});

const catalogApi = catalogApiMock({
  entities: [
    group('team-payments', 'Payments'),
    group('team-search', 'Search'),
    group('team-growth', 'Growth'),
  ],
});

function Picker(props: { onChange: (team: string) => void }) {
  const [team, setTeam] = useState<string>();
  return (
    <TeamPicker
      value={team}
      onChange={value => {
        setTeam(value);
        props.onChange(value);
      }}
    />
  );
}

function renderPicker(ownershipEntityRefs: string[], onChange = jest.fn()) {
  return renderWithApis(<Picker onChange={onChange} />, {
    apis: [
      [
        identityApiRef,
        mockApis.identity({
          userEntityRef: 'user:default/ada',
          ownershipEntityRefs,
        }),
      ],
      [catalogApiRef, catalogApi],
    ],
  });
}

describe('TeamPicker', () => {
  it("defaults to the user's first team, ignoring non-group refs", async () => {
    const onChange = jest.fn();
    await renderPicker(
      ['user:default/ada', 'group:default/team-search'],
      onChange,
    );
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith('group:default/team-search'),
    );
    expect(screen.getByRole('button', { name: /Team/ })).toHaveTextContent(
      'Search (your team)',
    );
  });

  it('lists the user teams first, then the others', async () => {
    const onChange = jest.fn();
    await renderPicker(['group:default/team-search'], onChange);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    await userEvent.click(screen.getByRole('button', { name: /Team/ }));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Search (your team)',
      'Growth',
      'Payments',
    ]);
    await userEvent.click(options[2]);
    expect(onChange).toHaveBeenLastCalledWith('group:default/team-payments');
  });

  it('picks nothing for a user in no team', async () => {
    const onChange = jest.fn();
    await renderPicker(['user:default/ada'], onChange);
    await userEvent.click(screen.getByRole('button', { name: /Team/ }));
    expect(
      within(screen.getByRole('listbox')).getAllByRole('option'),
    ).toHaveLength(3);
    expect(onChange).not.toHaveBeenCalled();
  });
});
