import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useId } from 'react';
import useAsync from 'react-use/esm/useAsync';

/** Props of {@link TeamPicker}. */
export interface TeamPickerProps {
  /** The chosen group's entity ref, e.g. "group:default/team-payments". */
  value?: string;
  onChange: (team: string) => void;
}

interface TeamOption {
  ref: string;
  title: string;
  mine: boolean;
}

function titleOf(entity: Entity): string {
  const profile = (entity.spec?.profile ?? {}) as { displayName?: string };
  return profile.displayName ?? entity.metadata.title ?? entity.metadata.name;
}

/**
 * Picks a team: the signed-in user's own teams first (and by default), then
 * every other group in the catalog.
 */
export function TeamPicker(props: TeamPickerProps) {
  const { value, onChange } = props;
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const id = useId();

  const { value: options, loading } = useAsync(async (): Promise<
    TeamOption[]
  > => {
    const identity = await identityApi.getBackstageIdentity();
    const mine = identity.ownershipEntityRefs.filter(ref =>
      ref.startsWith('group:'),
    );
    // The user's own teams are enough to work with if the catalog is unreachable.
    const groups = await catalogApi
      .getEntities({
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile.displayName',
        ],
      })
      .then(response => response.items)
      .catch(() => [] as Entity[]);
    const titles = new Map(
      groups.map(group => [stringifyEntityRef(group), titleOf(group)]),
    );
    const title = (ref: string) => titles.get(ref) ?? parseEntityRef(ref).name;
    return [
      ...mine.map(ref => ({ ref, title: title(ref), mine: true })),
      ...[...titles.keys()]
        .filter(ref => !mine.includes(ref))
        .sort((a, b) => title(a).localeCompare(title(b)))
        .map(ref => ({ ref, title: title(ref), mine: false })),
    ];
  }, [identityApi, catalogApi]);

  const firstOwnTeam = options?.find(option => option.mine)?.ref;
  useEffect(() => {
    if (!value && firstOwnTeam) {
      onChange(firstOwnTeam);
    }
  }, [value, firstOwnTeam, onChange]);

  return (
    <TextField
      id={id}
      select
      label="Team"
      value={value ?? ''}
      onChange={event => onChange(event.target.value)}
      disabled={loading}
      helperText={
        options && options.length === 0 ? 'No teams in the catalog' : undefined
      }
      style={{ minWidth: 240 }}
    >
      {(options ?? []).map(option => (
        <MenuItem key={option.ref} value={option.ref}>
          {option.mine ? `${option.title} (your team)` : option.title}
        </MenuItem>
      ))}
    </TextField>
  );
}
