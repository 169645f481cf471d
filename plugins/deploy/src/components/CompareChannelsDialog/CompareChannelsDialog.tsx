import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useCallback, useId } from 'react';
import { deployApiRef } from '../../api';
import { AsyncSetDiffView } from '../SetDiffView';
import { ReleaseChangesList } from './ReleaseChangesList';

/** Props of {@link CompareChannelsDialog}. */
export interface CompareChannelsDialogProps {
  open: boolean;
  onClose: () => void;
  service: string;
  /** The channel looked at, e.g. prod. */
  channel: string;
  /** The channel it is compared with, usually the one before it, e.g. staging. */
  other: string;
}

/**
 * What another channel runs that this one does not — for prod and staging,
 * what a promotion would bring: the releases (commits, titles) and the
 * changes to the objects.
 */
export function CompareChannelsDialog(props: CompareChannelsDialogProps) {
  const { open, onClose, service, channel, other } = props;
  const deployApi = useApi(deployApiRef);
  const titleId = useId();
  const load = useCallback(
    () => deployApi.compareChannels({ service, base: channel, head: other }),
    [deployApi, service, channel, other],
  );

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>
        What {other} runs that {channel} does not
      </DialogTitle>
      <DialogContent>
        <Box component="section" aria-labelledby={`${titleId}-releases`} mb={2}>
          <Typography
            id={`${titleId}-releases`}
            variant="subtitle1"
            component="h3"
          >
            Releases in {other} and not in {channel}
          </Typography>
          <ReleaseChangesList service={service} base={channel} head={other} />
        </Box>
        <Typography variant="subtitle1" component="h3">
          Changes to the objects
        </Typography>
        <AsyncSetDiffView
          load={load}
          noBaseText={`${channel} runs nothing Slipway applied yet, so everything ${other} runs is new to it.`}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
