import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ContainerState, PodState } from '@slipway/plugin-deploy-common';
import { useState } from 'react';
import { CrashLogDialog, describeContainerProblem } from '../CrashLogDialog';

// Waiting reasons of a container that is simply starting, not failing.
const STARTING_REASONS = ['ContainerCreating', 'PodInitializing'];

/** Whether a container needs the on-call engineer's attention. */
export function isFailingContainer(container: ContainerState): boolean {
  if (container.ready) {
    return false;
  }
  if (container.state === 'terminated') {
    return true;
  }
  if (container.state === 'waiting') {
    return (
      !STARTING_REASONS.includes(container.reason ?? 'ContainerCreating') ||
      container.restartCount > 0
    );
  }
  return container.restartCount > 0;
}

const useStyles = makeStyles(theme => ({
  failing: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
  },
}));

// A failing container's description counts its restarts already; a pod that
// recovered still tells how often it restarted.
function restartsNote(restarts: number): string {
  if (restarts === 0) return '';
  return restarts === 1 ? ' (1 restart)' : ` (${restarts} restarts)`;
}

/** The pods of a service in a channel; failing ones stand out with their logs a click away. */
export function PodList(props: {
  service: string;
  channel: string;
  pods: PodState[];
}) {
  const { service, channel, pods } = props;
  const classes = useStyles();
  const [logsOf, setLogsOf] = useState<{
    pod: string;
    container: ContainerState;
  }>();

  if (pods.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No pods are running in {channel}.
      </Typography>
    );
  }

  return (
    <>
      <Table size="small" aria-label={`Pods of ${service} in ${channel}`}>
        <TableHead>
          <TableRow>
            <TableCell>Pod</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Logs</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {pods.map(pod => {
            const failing = pod.containers.filter(isFailingContainer);
            const restarts = pod.containers.reduce(
              (sum, c) => sum + c.restartCount,
              0,
            );
            return (
              <TableRow
                key={pod.name}
                className={failing.length ? classes.failing : undefined}
              >
                <TableCell>
                  {pod.name}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {pod.version ?? 'version unknown'}
                  </Typography>
                </TableCell>
                <TableCell>
                  {failing.length > 0 &&
                    failing.map(container => (
                      <StatusError key={container.name}>
                        {container.name}: {describeContainerProblem(container)}
                      </StatusError>
                    ))}
                  {failing.length === 0 && pod.ready && (
                    <StatusOK>
                      {pod.phase}, ready{restartsNote(restarts)}
                    </StatusOK>
                  )}
                  {failing.length === 0 && !pod.ready && (
                    <StatusPending>
                      {pod.phase}, not ready{restartsNote(restarts)}
                    </StatusPending>
                  )}
                </TableCell>
                <TableCell>
                  {pod.containers.map(container => (
                    <Button
                      key={container.name}
                      size="small"
                      color={
                        isFailingContainer(container) ? 'secondary' : 'default'
                      }
                      aria-label={`Show logs of ${container.name} in ${pod.name}`}
                      onClick={() => setLogsOf({ pod: pod.name, container })}
                    >
                      {container.name}
                    </Button>
                  ))}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {logsOf && (
        <CrashLogDialog
          open
          onClose={() => setLogsOf(undefined)}
          service={service}
          channel={channel}
          pod={logsOf.pod}
          container={logsOf.container}
        />
      )}
    </>
  );
}
