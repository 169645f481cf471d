import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ContainerState, PodState } from '@slipway/plugin-deploy-common';
import { useId, useState } from 'react';
import { isFailingContainer, problemContainerOf } from '../containerProblems';
import { ContainerLogs } from './ContainerLogs';

/** Props of {@link CrashLogDialog}. */
export interface CrashLogDialogProps {
  open: boolean;
  onClose: () => void;
  service: string;
  channel: string;
  pod: PodState;
  /** The container to show first; by default the one the pod's problem is in. */
  container?: string;
}

/** What went wrong with a container, in one line. */
export function describeContainerProblem(container: ContainerState): string {
  const last = container.lastTerminated;
  const parts = [
    container.reason ?? last?.reason,
    container.exitCode ?? last?.exitCode,
  ];
  return [
    parts[0],
    parts[1] !== undefined ? `exit code ${parts[1]}` : undefined,
    `${container.restartCount} restart${
      container.restartCount === 1 ? '' : 's'
    }`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The logs of one container: the previous one (which crashed) first when there is one. */
function ContainerLogTabs(props: {
  service: string;
  channel: string;
  pod: string;
  container: ContainerState;
}) {
  const { service, channel, pod, container } = props;
  const hasPrevious =
    container.restartCount > 0 || Boolean(container.lastTerminated);
  const [tab, setTab] = useState<'previous' | 'current'>(
    hasPrevious ? 'previous' : 'current',
  );
  const failing = isFailingContainer(container);

  return (
    <>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Image {container.image}
      </Typography>
      {(failing || container.restartCount > 0) && (
        <Typography color={failing ? 'error' : 'textSecondary'} gutterBottom>
          {describeContainerProblem(container)}
        </Typography>
      )}
      {container.message && (
        <Typography variant="body2" gutterBottom>
          {container.message}
        </Typography>
      )}
      <Tabs
        value={tab}
        onChange={(_event, value) => setTab(value)}
        indicatorColor="primary"
        aria-label="Which container's logs"
      >
        <Tab
          value="previous"
          label="Previous container"
          disabled={!hasPrevious}
        />
        <Tab value="current" label="Current container" />
      </Tabs>
      <ContainerLogs
        key={tab}
        service={service}
        channel={channel}
        pod={pod}
        container={container.name}
        previous={tab === 'previous'}
      />
    </>
  );
}

/**
 * A pod's logs, container by container, opening on the container the
 * problem is in: the previous container (the one that crashed, which holds
 * the reason) and the current one.
 */
export function CrashLogDialog(props: CrashLogDialogProps) {
  const { open, onClose, service, channel, pod } = props;
  const titleId = useId();
  const [selected, setSelected] = useState(
    props.container ?? problemContainerOf(pod)?.name,
  );
  const container =
    pod.containers.find(c => c.name === selected) ?? pod.containers[0];

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="lg"
    >
      <DialogTitle id={titleId}>
        Logs of {container?.name ?? 'no container'} in {pod.name}
      </DialogTitle>
      <DialogContent>
        {pod.containers.length > 1 && (
          <TextField
            select
            id={`${titleId}-container`}
            label="Container"
            value={container?.name}
            onChange={e => setSelected(e.target.value)}
            SelectProps={{ native: true }}
            margin="dense"
          >
            {pod.containers.map(c => (
              <option key={c.name} value={c.name}>
                {c.name}
                {isFailingContainer(c) ? ' (failing)' : ''}
              </option>
            ))}
          </TextField>
        )}
        {container ? (
          <ContainerLogTabs
            key={container.name}
            service={service}
            channel={channel}
            pod={pod.name}
            container={container}
          />
        ) : (
          <Typography color="textSecondary">
            The pod reports no containers yet.
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
