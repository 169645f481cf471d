import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  DEPLOYMENT_STATUSES,
  DeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { useEffect, useId, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { deploymentStatusText } from '../DeploymentStatusLabel';

/** How far back the Deployments page looks. */
export const TIME_RANGES = {
  '1d': { label: 'Last 24 hours', days: 1 },
  '7d': { label: 'Last 7 days', days: 7 },
  '30d': { label: 'Last 30 days', days: 30 },
  '90d': { label: 'Last 90 days', days: 90 },
} as const;

/** A key of {@link TIME_RANGES}. */
export type TimeRange = keyof typeof TIME_RANGES;

/** The filters of the Deployments page; empty means "any". */
export interface DeploymentFilterValues {
  service?: string;
  channel?: string;
  status?: DeploymentStatus;
  range: TimeRange;
}

/** Props of {@link DeploymentFilters}. */
export interface DeploymentFiltersProps {
  channels: string[];
  value: DeploymentFilterValues;
  onChange: (value: DeploymentFilterValues) => void;
}

const ANY = '';

/** Filters for the team's deployment history: service, channel, status, time. */
export function DeploymentFilters(props: DeploymentFiltersProps) {
  const { channels, value, onChange } = props;
  const id = useId();
  const [service, setService] = useState(value.service ?? '');

  useEffect(() => setService(value.service ?? ''), [value.service]);
  // Typing a service name should not query the backend on every key.
  useDebounce(
    () => {
      const trimmed = service.trim() || undefined;
      if (trimmed !== value.service) {
        onChange({ ...value, service: trimmed });
      }
    },
    400,
    [service],
  );

  return (
    <Box display="flex" flexWrap="wrap" gridGap={16}>
      <TextField
        id={`${id}-service`}
        label="Service"
        value={service}
        onChange={event => setService(event.target.value)}
        placeholder="Any service"
      />
      <TextField
        id={`${id}-channel`}
        select
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        label="Channel"
        value={value.channel ?? ANY}
        onChange={event =>
          onChange({ ...value, channel: event.target.value || undefined })
        }
        style={{ minWidth: 140 }}
      >
        <MenuItem value={ANY}>Any channel</MenuItem>
        {channels.map(channel => (
          <MenuItem key={channel} value={channel}>
            {channel}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id={`${id}-status`}
        select
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        label="Status"
        value={value.status ?? ANY}
        onChange={event =>
          onChange({
            ...value,
            status: (event.target.value || undefined) as
              | DeploymentStatus
              | undefined,
          })
        }
        style={{ minWidth: 180 }}
      >
        <MenuItem value={ANY}>Any status</MenuItem>
        {DEPLOYMENT_STATUSES.map(status => (
          <MenuItem key={status} value={status}>
            {deploymentStatusText(status)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id={`${id}-range`}
        select
        label="Time"
        value={value.range}
        onChange={event =>
          onChange({ ...value, range: event.target.value as TimeRange })
        }
        style={{ minWidth: 160 }}
      >
        {Object.entries(TIME_RANGES).map(([key, range]) => (
          <MenuItem key={key} value={key}>
            {range.label}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}
