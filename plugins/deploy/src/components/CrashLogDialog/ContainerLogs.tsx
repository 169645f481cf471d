import {
  LogViewer,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef, PodLogsRequest } from '../../api';

/** The logs of one container, current or previous, read from the cluster. */
export function ContainerLogs(props: PodLogsRequest) {
  const { service, channel, pod, container, previous } = props;
  const deployApi = useApi(deployApiRef);
  const { value, loading, error } = useAsync(
    () => deployApi.getPodLogs({ service, channel, pod, container, previous }),
    [deployApi, service, channel, pod, container, previous],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value?.text) {
    return (
      <Typography color="textSecondary">
        {previous
          ? 'The previous container left no logs.'
          : 'The container has written no logs yet.'}
      </Typography>
    );
  }
  return (
    <Box height={400}>
      <LogViewer text={value.text} />
    </Box>
  );
}
