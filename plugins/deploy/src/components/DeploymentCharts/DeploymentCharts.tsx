import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef, TeamMetricsQuery } from '../../api';
import { formatDuration } from '../formatDuration';
import { DeploymentsPerDayChart } from './DeploymentsPerDayChart';

function Figure(props: { label: string; children: ReactNode }) {
  return (
    <Grid item xs={12} sm={4}>
      <Typography variant="overline" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h4" component="div">
        {props.children}
      </Typography>
    </Grid>
  );
}

/** A team's delivery over a window: deployments per day, success rate, median duration. */
export function DeploymentCharts(props: TeamMetricsQuery) {
  const { team, from, to } = props;
  const deployApi = useApi(deployApiRef);
  const { value, loading, error } = useAsync(
    () => deployApi.getTeamMetrics({ team, from, to }),
    [deployApi, team, from, to],
  );

  return (
    <InfoCard title="Delivery">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.deployments === 0 && (
        <Typography color="textSecondary">
          No deployments in this period.
        </Typography>
      )}
      {value && value.deployments > 0 && (
        <>
          <Grid container spacing={2}>
            <Figure label="Deployments">{value.deployments}</Figure>
            <Figure label="Success rate">
              {value.successRate === undefined
                ? '—'
                : `${Math.round(value.successRate * 100)}%`}
              {value.successRate !== undefined && (
                <LinearProgress
                  variant="determinate"
                  value={value.successRate * 100}
                  aria-label="Success rate"
                />
              )}
            </Figure>
            <Figure label="Median duration">
              {value.medianDurationSeconds === undefined
                ? '—'
                : formatDuration(value.medianDurationSeconds)}
            </Figure>
          </Grid>
          <Box mt={2}>
            <DeploymentsPerDayChart perDay={value.perDay} />
          </Box>
        </>
      )}
    </InfoCard>
  );
}
