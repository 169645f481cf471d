import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { Deployment, DeploymentResult } from '@slipway/plugin-deploy-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deployApiRef } from '../../api';
import { DeploySignal, serviceSignalChannel } from '../../signals';
import { FailureEvidencePanel } from '../FailureEvidencePanel';

function ResultLines(props: { result?: DeploymentResult }) {
  const { migration, rollout, rollback } = props.result ?? {};
  const lines = [
    migration && `Migration ${migration.state}: ${migration.message}`,
    rollout && `Rollout ${rollout.state}: ${rollout.message}`,
    rollback && `Rollback ${rollback.state}: ${rollback.message}`,
  ].filter(Boolean);
  return (
    <>
      {lines.map(line => (
        <Typography key={line as string} variant="body2">
          {line}
        </Typography>
      ))}
    </>
  );
}

/**
 * Every step of one deployment, as it happened, with the evidence captured
 * when it failed. Follows a running deployment live.
 */
export function DeploymentTimeline(props: { deployment: Deployment }) {
  const { id, service } = props.deployment;
  const deployApi = useApi(deployApiRef);
  const { lastSignal } = useSignal<DeploySignal>(serviceSignalChannel(service));
  const { value, loading, error, retry } = useAsyncRetry(
    () => deployApi.getDeployment(id),
    [deployApi, id],
  );

  useEffect(() => {
    if (lastSignal?.deploymentId === id) {
      retry();
    }
  }, [lastSignal]); // eslint-disable-line react-hooks/exhaustive-deps

  if (loading && !value) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  const { deployment, events, evidence } = value;

  return (
    <Box
      p={2}
      aria-label={`Timeline of ${deployment.version} to ${deployment.channel}`}
      component="section"
    >
      {deployment.approvedBy && (
        <Typography variant="body2">
          Approved by{' '}
          <EntityDisplayName
            entityRef={deployment.approvedBy}
            defaultKind="user"
            hideIcon
          />
        </Typography>
      )}
      {deployment.overrideReason && (
        <Typography variant="body2">
          Promotion rule overridden: {deployment.overrideReason}
        </Typography>
      )}
      <ResultLines result={deployment.result} />
      {events.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No steps recorded yet.
        </Typography>
      ) : (
        <List dense>
          {events.map(event => (
            <ListItem key={event.id}>
              <ListItemText
                primary={event.message}
                secondary={`${new Date(event.createdAt).toLocaleString()} · ${
                  event.type
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
      {evidence.map(item => (
        <FailureEvidencePanel
          key={`${item.kind}-${item.capturedAt}`}
          evidence={item}
        />
      ))}
    </Box>
  );
}
