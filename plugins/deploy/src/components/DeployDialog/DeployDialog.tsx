import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Deployment,
  deployOverridePermission,
  Release,
} from '@slipway/plugin-deploy-common';
import { FormEvent, useCallback, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { deployApiRef } from '../../api';
import { describeError } from '../describeError';
import { shortCommit } from '../ReleaseSummary';
import { AsyncSetDiffView } from '../SetDiffView';

/** How many of the newest releases the dialog offers. */
const RELEASES_OFFERED = 25;

/** Props of {@link DeployDialog}. */
export interface DeployDialogProps {
  open: boolean;
  service: string;
  channel: string;
  /** The channel takes published releases only: no free-text version. */
  releasesOnly?: boolean;
  onClose: () => void;
  onDeployed: (deployment: Deployment) => void;
}

/** "1.4.0 — Faster checkout (abc1234)": what tells releases apart in a list. */
function releaseOption(release: Release): string {
  let text = release.version;
  if (release.title) text += ` — ${release.title}`;
  if (release.commit) text += ` (${shortCommit(release.commit)})`;
  return text;
}

/** What deploying a version would change in the channel, read when asked for. */
function DeployPreview(props: {
  service: string;
  channel: string;
  version: string;
}) {
  const { service, channel, version } = props;
  const deployApi = useApi(deployApiRef);
  const headingId = useId();
  const load = useCallback(
    () => deployApi.getDiff({ service, channel, version }),
    [deployApi, service, channel, version],
  );
  return (
    <Box component="section" aria-labelledby={headingId} mt={2}>
      <Typography id={headingId} variant="subtitle1" component="h3">
        What deploying {version} changes in {channel}
      </Typography>
      <AsyncSetDiffView load={load} />
    </Box>
  );
}

/**
 * Asks for a version — one of the service's recent releases, or (unless the
 * channel takes releases only) any image tag or digest — previews what it
 * would change on request, and deploys it to a channel.
 */
export function DeployDialog(props: DeployDialogProps) {
  const { open, service, channel, releasesOnly, onClose, onDeployed } = props;
  const deployApi = useApi(deployApiRef);
  const titleId = useId();
  const [version, setVersion] = useState('');
  const releases = useAsync(
    async () =>
      (await deployApi.listReleases(service, { limit: RELEASES_OFFERED }))
        .items,
    [deployApi, service],
  );
  const offered = releases.value ?? [];
  const chosen = offered.some(r => r.version === version.trim())
    ? version.trim()
    : '';
  const [overrideReason, setOverrideReason] = useState('');
  // The version whose changes are shown; cleared when the version is edited.
  const [previewed, setPreviewed] = useState<string>();
  const canOverride = usePermission({
    permission: deployOverridePermission,
  }).allowed;
  const [state, deploy] = useAsyncFn(async () => {
    const deployment = await deployApi.createDeployment({
      service,
      channel,
      version: version.trim(),
      ...(overrideReason.trim() && { overrideReason: overrideReason.trim() }),
    });
    onDeployed(deployment);
  }, [deployApi, service, channel, version, overrideReason, onDeployed]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (version.trim()) {
      deploy();
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth={previewed ? 'md' : 'xs'}
    >
      <form onSubmit={submit}>
        <DialogTitle id={titleId}>
          Deploy {service} to {channel}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            Migrations run first; the rollout starts when they succeed.
          </DialogContentText>
          {(offered.length > 0 || releasesOnly) && (
            <TextField
              id={`${titleId}-release`}
              select
              fullWidth
              margin="normal"
              required={releasesOnly}
              label="Release"
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              helperText={
                releasesOnly
                  ? `${channel} takes published releases only.`
                  : 'One of the releases CI published, or type a version below.'
              }
              value={chosen}
              onChange={e => {
                setVersion(e.target.value);
                setPreviewed(undefined);
              }}
              disabled={state.loading || releases.loading}
            >
              <option value="">
                {releases.loading ? 'Loading releases…' : 'Choose a release'}
              </option>
              {offered.map(release => (
                <option key={release.version} value={release.version}>
                  {releaseOption(release)}
                </option>
              ))}
            </TextField>
          )}
          {releases.error && (
            <Typography variant="body2" color="error">
              Could not list the releases: {describeError(releases.error)}
            </Typography>
          )}
          {releasesOnly &&
            !releases.loading &&
            !releases.error &&
            offered.length === 0 && (
              <Typography variant="body2" color="textSecondary">
                {service} has no published releases yet: CI publishes one for
                each image it builds.
              </Typography>
            )}
          {!releasesOnly && (
            <TextField
              id={`${titleId}-version`}
              fullWidth
              required
              label="Version"
              helperText="An image tag or digest, e.g. 1.4.0"
              value={version}
              onChange={e => {
                setVersion(e.target.value);
                setPreviewed(undefined);
              }}
              disabled={state.loading}
            />
          )}
          {canOverride && (
            <TextField
              id={`${titleId}-override`}
              fullWidth
              margin="normal"
              label="Override reason (optional)"
              helperText="Only to deploy a version that has not succeeded in the previous channel; the reason is recorded."
              value={overrideReason}
              onChange={e => setOverrideReason(e.target.value)}
              disabled={state.loading}
            />
          )}
          {previewed && (
            <DeployPreview
              service={service}
              channel={channel}
              version={previewed}
            />
          )}
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
            onClick={() => setPreviewed(version.trim())}
            disabled={state.loading || !version.trim()}
          >
            Preview changes
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={state.loading || !version.trim()}
          >
            Deploy
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
