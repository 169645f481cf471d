import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useSignal } from '@backstage/plugin-signals-react';
import Grid from '@material-ui/core/Grid';
import {
  Deployment,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { useCallback, useEffect, useReducer } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef } from '../../api';
import { useDeploymentHistory } from '../../hooks/useDeploymentHistory';
import { useRefreshWhileActive } from '../../hooks/useRefreshWhileActive';
import { DeploySignal, serviceSignalChannel } from '../../signals';
import { ChannelCard } from '../ChannelCard';
import { DeploymentHistory } from '../DeploymentHistory';
import { ReleasePipeline } from '../ReleasePipeline';
import { ServiceSetup } from '../ServiceSetup';

/** The newest unfinished deployment per channel. */
function activeByChannel(deployments: Deployment[]): Map<string, Deployment> {
  const active = new Map<string, Deployment>();
  for (const deployment of deployments) {
    if (
      !isFinalDeploymentStatus(deployment.status) &&
      !active.has(deployment.channel)
    ) {
      active.set(deployment.channel, deployment);
    }
  }
  return active;
}

/**
 * A service's release pipeline, its channels in promotion order, and its
 * deployment history. Refreshes when the backend signals a change, and,
 * while a deployment runs, on a slow interval for a signal the socket missed
 * (useRefreshWhileActive). Given the catalog entity that names the service, a service
 * Slipway does not know yet can be set up here.
 */
export function ServiceDeployPanel(props: {
  service: string;
  entity?: Entity;
}) {
  const { service, entity } = props;
  const deployApi = useApi(deployApiRef);
  const { lastSignal } = useSignal<DeploySignal>(serviceSignalChannel(service));
  // Pods change often during a rollout: such a signal reloads the live
  // status only. A deployment's change, a published release, or the user's
  // own action reloads the pipeline and the history too.
  const [statusKey, refreshStatus] = useReducer((n: number) => n + 1, 0);
  const [historyKey, refreshHistory] = useReducer((n: number) => n + 1, 0);
  const refresh = useCallback(() => {
    refreshStatus();
    refreshHistory();
  }, []);

  useEffect(() => {
    if (!lastSignal) return;
    refreshStatus();
    if (lastSignal.type !== 'status-changed') refreshHistory();
  }, [lastSignal]);

  // Channels are configuration: read once. Status follows every change.
  const channels = useAsync(
    async () =>
      [...(await deployApi.getChannels()).items].sort(
        (a, b) => a.order - b.order,
      ),
    [deployApi],
  );
  const status = useAsync(async () => {
    const response = await deployApi.getServiceStatus(service);
    return new Map(response.channels.map(c => [c.channel, c]));
  }, [deployApi, service, statusKey]);
  const history = useDeploymentHistory({ service, limit: 20 }, historyKey);
  const active = activeByChannel(history.deployments);
  useRefreshWhileActive(active.size > 0, refresh);

  const error = channels.error ?? status.error;
  if (error) {
    // Only the service's own status answers "not registered"; a 404 from
    // the channels means the deploy backend is missing.
    if (
      error === status.error &&
      error instanceof ResponseError &&
      error.statusCode === 404
    ) {
      if (entity) {
        return (
          <ServiceSetup
            service={service}
            entity={entity}
            onRegistered={refresh}
          />
        );
      }
      return (
        <EmptyState
          missing="data"
          title={`Slipway does not know the service ${service}`}
          description="Create it from the Slipway service template, or check the slipway.dev/service annotation for a typo."
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }
  // useAsync keeps its last value while it refetches, so a signal does not
  // blank the cards.
  if (!channels.value || !status.value) {
    return <Progress />;
  }

  const statusByChannel = status.value;
  const orderedChannels = channels.value;
  if (orderedChannels.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No release channels are configured"
        description="A platform engineer configures them under deploy.channels in app-config.yaml."
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid
        item
        xs={12}
        component="section"
        aria-label={`Release pipeline of ${service}`}
      >
        <ReleasePipeline
          service={service}
          refreshKey={historyKey}
          onChanged={refresh}
        />
      </Grid>
      {orderedChannels.map((channel, index) => {
        const previous = index > 0 ? orderedChannels[index - 1] : undefined;
        const previousStatus = previous && statusByChannel.get(previous.name);
        return (
          <Grid
            item
            xs={12}
            md={6}
            xl={4}
            key={channel.name}
            component="section"
            aria-label={`Channel ${channel.name}`}
          >
            <ChannelCard
              service={service}
              channel={channel}
              status={statusByChannel.get(channel.name)}
              previousChannel={
                previous && {
                  name: previous.name,
                  runningVersion: previousStatus?.runningVersion,
                  runsSomething: Boolean(
                    previousStatus?.runningVersion ||
                      previousStatus?.workloads?.length,
                  ),
                }
              }
              activeDeployment={active.get(channel.name)}
              onChanged={refresh}
            />
          </Grid>
        );
      })}
      <Grid item xs={12}>
        <DeploymentHistory
          deployments={history.deployments}
          loading={history.loading}
          error={history.error}
          hasMore={history.hasMore}
          onLoadMore={history.loadMore}
        />
      </Grid>
    </Grid>
  );
}
