import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { WorkloadStatus } from '@slipway/plugin-deploy-common';
import { useId } from 'react';
import { PodList } from '../PodList';
import { RolloutHealthLabel } from '../RolloutHealthLabel';

/**
 * Whether a channel's workloads need a section of their own: more than one,
 * or one that is not a Deployment. A single Deployment is the card itself.
 */
export function showsWorkloads(
  workloads: WorkloadStatus[] | undefined,
): workloads is WorkloadStatus[] {
  return Boolean(
    workloads &&
      (workloads.length > 1 || workloads.some(w => w.kind !== 'Deployment')),
  );
}

/** Props of {@link WorkloadList}. */
export interface WorkloadListProps {
  service: string;
  channel: string;
  workloads: WorkloadStatus[];
}

/**
 * Each workload of a channel's set — Deployments, StatefulSets, DaemonSets —
 * with its health, readiness, what is wrong when it is not healthy, and its
 * pods (their logs a click away).
 */
export function WorkloadList(props: WorkloadListProps) {
  const { service, channel, workloads } = props;
  const headingId = useId();

  return (
    <Box component="section" aria-labelledby={headingId} mt={2}>
      <Typography id={headingId} variant="h6" component="h3">
        Workloads
      </Typography>
      {workloads.map(workload => (
        <Box
          key={`${workload.kind}/${workload.name}`}
          component="section"
          aria-label={`${workload.kind} ${workload.name}`}
          mt={2}
        >
          <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={16}>
            <Typography variant="subtitle1" component="h4">
              {workload.kind} {workload.name}
            </Typography>
            <RolloutHealthLabel health={workload.health} />
            <Typography variant="body2">
              {workload.ready} of {workload.desired} ready
            </Typography>
          </Box>
          {workload.health !== 'Healthy' && workload.message && (
            <Typography
              variant="body2"
              color={workload.health === 'Degraded' ? 'error' : 'textSecondary'}
            >
              {workload.message}
            </Typography>
          )}
          <PodList
            service={service}
            channel={channel}
            pods={workload.pods}
            workload={workload}
          />
        </Box>
      ))}
    </Box>
  );
}
