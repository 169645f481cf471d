import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Deployment, DeploymentResult } from '@slipway/plugin-deploy-common';
import { useCallback, useEffect, useId, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deployApiRef } from '../../api';
import { DeploySignal, serviceSignalChannel } from '../../signals';
import { FailureEvidencePanel } from '../FailureEvidencePanel';
import { AsyncSetDiffView } from '../SetDiffView';

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

/** What a deployment changed, read only when the user opens it. */
function DeploymentChanges(props: { deployment: Deployment }) {
  const { id, version, channel } = props.deployment;
  const deployApi = useApi(deployApiRef);
  const [open, setOpen] = useState(false);
  const regionId = useId();
  const load = useCallback(
    () => deployApi.getDeploymentDiff(id),
    [deployApi, id],
  );

  return (
    <Box mb={1}>
      <Button
        size="small"
        aria-expanded={open}
        aria-controls={regionId}
        endIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
        onClick={() => setOpen(!open)}
      >
        Changes
      </Button>
      {open && (
        <Box
          id={regionId}
          component="section"
          aria-label={`Changes of ${version} to ${channel}`}
          mt={1}
        >
          <AsyncSetDiffView
            load={load}
            noBaseText={`${channel} ran nothing Slipway applied before this deployment, so everything was new.`}
          />
        </Box>
      )}
    </Box>
  );
}

/**
 * Every step of one deployment, as it happened, with the evidence captured
 * when it failed, and what it changed. Follows a running deployment live.
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
    if (
      lastSignal?.type === 'deployment-changed' &&
      lastSignal.deploymentId === id
    ) {
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
      <DeploymentChanges deployment={deployment} />
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
