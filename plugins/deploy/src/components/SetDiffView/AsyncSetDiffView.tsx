import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { SetDiff } from '@slipway/plugin-deploy-common';
import useAsync from 'react-use/esm/useAsync';
import { describeError } from '../describeError';
import { SetDiffView } from './SetDiffView';

/** Props of {@link AsyncSetDiffView}. */
export interface AsyncSetDiffViewProps {
  /** Reads the diff; memoize it, a new function reads again. */
  load: () => Promise<SetDiff>;
  noBaseText?: string;
}

/**
 * A diff read from the backend: a progress bar while it loads, the backend's
 * reason inline when it cannot be made (so the dialog around it stays usable).
 */
export function AsyncSetDiffView(props: AsyncSetDiffViewProps) {
  const { load, noBaseText } = props;
  const { value, loading, error } = useAsync(load, [load]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not show the changes: {describeError(error)}
      </Typography>
    );
  }
  if (!value) {
    return null;
  }
  return <SetDiffView diff={value} noBaseText={noBaseText} />;
}
