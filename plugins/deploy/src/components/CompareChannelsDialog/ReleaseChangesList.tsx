import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef } from '../../api';
import { describeError } from '../describeError';
import { ReleaseSummary } from '../ReleaseSummary';

/**
 * The releases `head` runs that `base` does not yet, newest first: what a
 * promotion from head to base would ship, by commit and title.
 */
export function ReleaseChangesList(props: {
  service: string;
  base: string;
  head: string;
}) {
  const { service, base, head } = props;
  const deployApi = useApi(deployApiRef);
  const { value, loading, error } = useAsync(
    () => deployApi.getReleaseChanges({ service, base, head }),
    [deployApi, service, base, head],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not list the releases: {describeError(error)}
      </Typography>
    );
  }
  if (!value || value.releases.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {head} runs no release that {base} does not.
      </Typography>
    );
  }
  return (
    <List dense disablePadding>
      {value.releases.map(release => (
        <ListItem key={release.version} disableGutters divider>
          <ReleaseSummary release={release} />
        </ListItem>
      ))}
    </List>
  );
}
