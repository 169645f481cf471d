import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useId } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { describeError } from '../describeError';

/** Props of {@link ConfirmActionDialog}. */
export interface ConfirmActionDialogProps {
  open: boolean;
  title: string;
  description: ReactNode;
  /** Shown under the description, e.g. what a promotion would change; widens the dialog. */
  details?: ReactNode;
  confirmLabel: string;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  /** Called after the action succeeded; the dialog should then close. */
  onDone: () => void;
}

/**
 * Asks before an action that changes what runs (promote, approve, cancel,
 * roll back), and shows the backend's reason when it refuses.
 */
export function ConfirmActionDialog(props: ConfirmActionDialogProps) {
  const {
    open,
    title,
    description,
    details,
    confirmLabel,
    onConfirm,
    onClose,
    onDone,
  } = props;
  const titleId = useId();
  const [state, run] = useAsyncFn(async () => {
    await onConfirm();
    onDone();
  }, [onConfirm, onDone]);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      // A diff needs room; a sentence does not.
      maxWidth={details ? 'md' : 'sm'}
      fullWidth={Boolean(details)}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">{description}</DialogContentText>
        {details}
        {state.error && (
          <Typography role="alert" color="error">
            {describeError(state.error)}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={state.loading}>
          Close
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={run}
          disabled={state.loading}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
