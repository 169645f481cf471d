import { InfoCard, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import {
  ChannelStatus,
  Deployment,
  ReleaseChannel,
} from '@slipway/plugin-deploy-common';
import { ReactNode, useState } from 'react';
import { ChannelActions } from '../ChannelActions';
import { CompareChannelsDialog } from '../CompareChannelsDialog';
import { DeploymentStatusLabel } from '../DeploymentStatusLabel';
import { PodList } from '../PodList';
import { RequesterName } from '../RequesterName';
import { RolloutHealthLabel } from '../RolloutHealthLabel';
import { showsWorkloads, WorkloadList } from '../WorkloadList';

/** Props of {@link ChannelCard}. */
export interface ChannelCardProps {
  service: string;
  channel: ReleaseChannel;
  /** Live state; absent when the service has never been deployed here. */
  status?: ChannelStatus;
  previousChannel?: {
    name: string;
    runningVersion?: string;
    /** Whether the previous channel runs anything to compare this one with. */
    runsSomething?: boolean;
  };
  activeDeployment?: Deployment;
  onChanged: () => void;
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Grid item xs={12} sm={4}>
      <Typography variant="overline" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography component="div">{props.children}</Typography>
    </Grid>
  );
}

function policySummary(channel: ReleaseChannel): string {
  const parts = [`cluster ${channel.cluster}`];
  if (channel.policy.approvalRequired) parts.push('approval required');
  if (channel.policy.autoRollback) parts.push('rolls back on failure');
  return parts.join(' · ');
}

/**
 * One release channel of a service: versions, health, rollout progress,
 * conditions, pods (or each workload with its pods, when the service runs
 * more than one Deployment), and what the user may do there.
 */
export function ChannelCard(props: ChannelCardProps) {
  const { service, channel, status, previousChannel, activeDeployment } = props;
  const replicas = status?.replicas;
  const [comparing, setComparing] = useState(false);
  const compareWith = previousChannel?.runsSomething
    ? previousChannel.name
    : undefined;

  return (
    <InfoCard
      title={channel.name}
      subheader={policySummary(channel)}
      actions={
        <Box
          display="flex"
          flexWrap="wrap"
          justifyContent="space-between"
          gridGap={8}
          width="100%"
        >
          <ChannelActions
            service={service}
            channel={channel}
            status={status}
            previousChannel={previousChannel}
            activeDeployment={activeDeployment}
            onChanged={props.onChanged}
          />
          {compareWith && (
            <Button size="small" onClick={() => setComparing(true)}>
              Compare with {compareWith}
            </Button>
          )}
          {compareWith && comparing && (
            <CompareChannelsDialog
              open
              onClose={() => setComparing(false)}
              service={service}
              channel={channel.name}
              other={compareWith}
            />
          )}
        </Box>
      }
    >
      {activeDeployment && (
        <Box mb={2} display="flex" alignItems="center" gridGap={8}>
          <DeploymentStatusLabel status={activeDeployment.status} />
          <Typography variant="body2">
            {activeDeployment.version}, requested by{' '}
            <RequesterName deployment={activeDeployment} hideIcon />
          </Typography>
        </Box>
      )}
      {status?.error && (
        <WarningPanel
          severity="error"
          title={`Could not read ${channel.name} from cluster ${channel.cluster}`}
          message={status.error}
        />
      )}
      {!status && (
        <Typography color="textSecondary">
          {service} has not been deployed to {channel.name} yet.
        </Typography>
      )}
      {status && !status.error && (
        <>
          <Grid container spacing={2}>
            <Fact label="Health">
              <RolloutHealthLabel health={status.health} />
            </Fact>
            <Fact label="Running">{status.runningVersion ?? '—'}</Fact>
            <Fact label="Desired">{status.desiredVersion ?? '—'}</Fact>
          </Grid>
          {status.message && (
            <Typography variant="body2" color="textSecondary">
              {status.message}
            </Typography>
          )}
          {replicas && replicas.desired > 0 && (
            <Box my={2}>
              <LinearProgress
                variant="determinate"
                value={Math.min(
                  100,
                  (replicas.updated / replicas.desired) * 100,
                )}
                aria-label={`Rollout progress of ${channel.name}`}
              />
              <Typography variant="body2">
                {replicas.updated} updated · {replicas.ready} ready ·{' '}
                {replicas.available} available of {replicas.desired} desired
              </Typography>
            </Box>
          )}
          {status.conditions.length > 0 && (
            <Box mb={2} component="ul" pl={2} aria-label="Conditions">
              {status.conditions.map(condition => (
                <Typography
                  key={condition.type}
                  variant="body2"
                  component="li"
                  color={condition.status === 'True' ? 'textPrimary' : 'error'}
                >
                  {condition.type}: {condition.status}
                  {condition.reason && ` (${condition.reason})`}
                  {condition.message && ` — ${condition.message}`}
                </Typography>
              ))}
            </Box>
          )}
          {showsWorkloads(status.workloads) ? (
            <WorkloadList
              service={service}
              channel={channel.name}
              workloads={status.workloads}
            />
          ) : (
            <PodList
              service={service}
              channel={channel.name}
              pods={status.pods}
            />
          )}
        </>
      )}
    </InfoCard>
  );
}
