import { Content, EmptyState, Header, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef } from '../../api';
import { useDeploymentHistory } from '../../hooks/useDeploymentHistory';
import { DeploymentCharts } from '../DeploymentCharts';
import {
  DeploymentFilters,
  DeploymentFilterValues,
  TIME_RANGES,
} from '../DeploymentFilters';
import { DeploymentHistory } from '../DeploymentHistory';
import { TeamPicker } from '../TeamPicker';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The team Deployments page: history, frequency and success rate. */
export function DeploymentsPage() {
  const deployApi = useApi(deployApiRef);
  const [team, setTeam] = useState<string>();
  const [filters, setFilters] = useState<DeploymentFilterValues>({
    range: '30d',
  });
  // Fixed when the range is chosen, so a re-render does not move the window.
  const { from, to } = useMemo(() => {
    const now = Date.now();
    return {
      from: new Date(
        now - TIME_RANGES[filters.range].days * DAY_MS,
      ).toISOString(),
      to: new Date(now).toISOString(),
    };
  }, [filters.range]);
  const channels = useAsync(() => deployApi.getChannels(), [deployApi]);
  const history = useDeploymentHistory(
    team
      ? {
          team,
          service: filters.service,
          channel: filters.channel,
          status: filters.status,
          // Open-ended, so deployments started since the page opened appear.
          from,
          limit: 50,
        }
      : undefined,
  );

  return (
    <Page themeId="tool">
      <Header
        title="Deployments"
        subtitle="Every deployment of your team's services"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md="auto">
            <TeamPicker value={team} onChange={setTeam} />
          </Grid>
          <Grid item xs={12} md>
            <DeploymentFilters
              channels={(channels.value?.items ?? [])
                .slice()
                .sort((a, b) => a.order - b.order)
                .map(channel => channel.name)}
              value={filters}
              onChange={setFilters}
            />
          </Grid>
          {!team && (
            <Grid item xs={12}>
              <EmptyState
                missing="data"
                title="Pick a team"
                description="Choose a team to see its deployments, how often it ships and how often that works."
              />
            </Grid>
          )}
          {team && (
            <>
              <Grid item xs={12}>
                <DeploymentCharts team={team} from={from} to={to} />
              </Grid>
              <Grid item xs={12}>
                <DeploymentHistory
                  showService
                  deployments={history.deployments}
                  loading={history.loading}
                  error={history.error}
                  hasMore={history.hasMore}
                  onLoadMore={history.loadMore}
                />
              </Grid>
            </>
          )}
        </Grid>
      </Content>
    </Page>
  );
}
