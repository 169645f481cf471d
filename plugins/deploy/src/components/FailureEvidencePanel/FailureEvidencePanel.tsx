import { LogViewer } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { FailureEvidence } from '@slipway/plugin-deploy-common';
import { makeStyles } from '@material-ui/core/styles';
import { describeContainerProblem } from '../CrashLogDialog';

const useStyles = makeStyles({
  // Type, reason and count are single words: keep them whole; the message wraps.
  events: {
    marginTop: 16,
    '& td:not(:nth-child(4)), & th': { whiteSpace: 'nowrap' },
  },
});

// The log viewer needs a fixed height: fit short logs (its search bar plus a
// line each), cap long ones.
function logsHeight(text: string): number {
  const lines = text.split('\n').length;
  return Math.min(300, 64 + lines * 20);
}

function Logs(props: { title: string; text: string }) {
  return (
    <Box mt={1}>
      <Typography variant="subtitle2">{props.title}</Typography>
      <Box height={logsHeight(props.text)}>
        <LogViewer text={props.text} />
      </Box>
    </Box>
  );
}

/**
 * What Slipway captured when a migration or rollout failed: the containers,
 * their exit codes and logs, and the Kubernetes events — kept because the
 * pods and their logs are gone soon after.
 */
export function FailureEvidencePanel(props: { evidence: FailureEvidence }) {
  const { evidence } = props;
  const classes = useStyles();
  const logsTitle = evidence.kind === 'migration' ? 'Migration logs' : 'Logs';

  return (
    <Box
      component="section"
      aria-label={`${evidence.kind} failure evidence`}
      mt={2}
    >
      <Typography variant="h6">
        {evidence.kind === 'migration' ? 'Migration' : 'Rollout'} failure,
        captured {new Date(evidence.capturedAt).toLocaleString()}
      </Typography>
      {evidence.pods.map(pod =>
        pod.containers.map(container => (
          <Box key={`${pod.name}/${container.name}`} mt={2}>
            <Typography variant="subtitle1">
              {pod.name} / {container.name}
            </Typography>
            <Typography variant="body2" color="error">
              {describeContainerProblem(container)}
            </Typography>
            {container.message && (
              <Typography variant="body2">{container.message}</Typography>
            )}
            {container.previousLogs && (
              <Logs
                title={`${logsTitle} of the crashed container`}
                text={container.previousLogs}
              />
            )}
            {container.logs && <Logs title={logsTitle} text={container.logs} />}
          </Box>
        )),
      )}
      {evidence.events.length > 0 && (
        <Table
          size="small"
          aria-label="Kubernetes events"
          className={classes.events}
        >
          <TableHead>
            <TableRow>
              <TableCell>Type</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Object</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Count</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {evidence.events.map((event, index) => (
              <TableRow key={index}>
                <TableCell>{event.type}</TableCell>
                <TableCell>{event.reason}</TableCell>
                <TableCell>{event.object}</TableCell>
                <TableCell>{event.message}</TableCell>
                <TableCell>{event.count ?? 1}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
