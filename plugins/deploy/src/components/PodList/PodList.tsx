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
import { PodState } from '@slipway/plugin-deploy-common';
import { useState } from 'react';
import { CrashLogDialog, describeContainerProblem } from '../CrashLogDialog';
import { isFailingContainer } from '../containerProblems';

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
  /** The workload the pods belong to, when a channel runs several. */
  workload?: { kind: string; name: string };
}) {
  const { service, channel, pods, workload } = props;
  const classes = useStyles();
  const [logsOf, setLogsOf] = useState<{ pod: PodState; container: string }>();

  if (pods.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {workload
          ? `No pods of ${workload.kind} ${workload.name} are running.`
          : `No pods are running in ${channel}.`}
      </Typography>
    );
  }

  return (
    <>
      <Table
        size="small"
        aria-label={
          workload
            ? `Pods of ${workload.kind} ${workload.name}`
            : `Pods of ${service} in ${channel}`
        }
      >
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
                  {/* Failing containers first: their logs say what went wrong. */}
                  {[
                    ...failing,
                    ...pod.containers.filter(c => !failing.includes(c)),
                  ].map(container => (
                    <Button
                      key={container.name}
                      size="small"
                      color={
                        isFailingContainer(container) ? 'secondary' : 'default'
                      }
                      aria-label={`Show logs of ${container.name} in ${pod.name}`}
                      onClick={() =>
                        setLogsOf({ pod, container: container.name })
                      }
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
