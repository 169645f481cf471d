import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { ContainerState } from '@slipway/plugin-deploy-common';
import { useId, useState } from 'react';
import { ContainerLogs } from './ContainerLogs';

/** Props of {@link CrashLogDialog}. */
export interface CrashLogDialogProps {
  open: boolean;
  onClose: () => void;
  service: string;
  channel: string;
  pod: string;
  container: ContainerState;
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

/**
 * A crashed container's logs: the previous container (the one that crashed,
 * which holds the reason) and the current one.
 */
export function CrashLogDialog(props: CrashLogDialogProps) {
  const { open, onClose, service, channel, pod, container } = props;
  const titleId = useId();
  const hasPrevious =
    container.restartCount > 0 || Boolean(container.lastTerminated);
  const [tab, setTab] = useState<'previous' | 'current'>(
    hasPrevious ? 'previous' : 'current',
  );

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="lg"
    >
      <DialogTitle id={titleId}>
        Logs of {container.name} in {pod}
      </DialogTitle>
      <DialogContent>
        <Typography color="error" gutterBottom>
          {describeContainerProblem(container)}
        </Typography>
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
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
