import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Box from '@material-ui/core/Box';
import {
  ChannelStatus,
  Deployment,
  DeploymentStatus,
  deployApprovePermission,
  deployCreatePermission,
  deployRollbackPermission,
  deployTargetRef,
  isFinalDeploymentStatus,
  ReleaseChannel,
} from '@slipway/plugin-deploy-common';
import { ReactNode, useCallback, useState } from 'react';
import { deployApiRef } from '../../api';
import { ConfirmActionDialog } from '../ConfirmActionDialog';
import { DeployDialog } from '../DeployDialog';
import { RequesterName } from '../RequesterName';
import { AsyncSetDiffView } from '../SetDiffView';

/** Props of {@link ChannelActions}. */
export interface ChannelActionsProps {
  service: string;
  channel: ReleaseChannel;
  status?: ChannelStatus;
  /** The channel before this one, whose version a promotion takes. */
  previousChannel?: { name: string; runningVersion?: string };
  /** The deployment in this channel that has not finished, if any. */
  activeDeployment?: Deployment;
  /** Called after an action was accepted, to reload the channel. */
  onChanged: () => void;
}

type ConfirmedAction = 'promote' | 'approve' | 'cancel' | 'rollback';

interface ActionText {
  title: string;
  description: ReactNode;
  /** What the action would change, shown before it is confirmed. */
  details?: ReactNode;
  confirmLabel: string;
  done: string;
}

/**
 * The actions the signed-in user may take on a channel: deploy, promote,
 * approve, cancel and roll back. Actions they may not take are not shown.
 */
export function ChannelActions(props: ChannelActionsProps) {
  const { service, channel, status, previousChannel, activeDeployment } = props;
  const deployApi = useApi(deployApiRef);
  const alertApi = useApi(alertApiRef);
  // Permissions are per deploy target, so a policy may allow dev but not prod.
  const resourceRef = deployTargetRef(service, channel.name);
  const canCreate = usePermission({
    permission: deployCreatePermission,
    resourceRef,
  }).allowed;
  const canApprove = usePermission({
    permission: deployApprovePermission,
    resourceRef,
  }).allowed;
  const canRollback = usePermission({
    permission: deployRollbackPermission,
    resourceRef,
  }).allowed;
  const [open, setOpen] = useState<ConfirmedAction | 'deploy'>();

  const active =
    activeDeployment && !isFinalDeploymentStatus(activeDeployment.status)
      ? activeDeployment
      : undefined;
  const running = status?.runningVersion;
  const promotedVersion = previousChannel?.runningVersion;

  const loadPromotionDiff = useCallback(
    () => deployApi.getDiff({ service, channel: channel.name }),
    [deployApi, service, channel.name],
  );

  const close = () => setOpen(undefined);
  const done = (message: string) => {
    setOpen(undefined);
    alertApi.post({ message, severity: 'success', display: 'transient' });
    props.onChanged();
  };

  const texts: Record<ConfirmedAction, ActionText> = {
    promote: {
      title: `Promote ${service} to ${channel.name}?`,
      description: promotedVersion
        ? `Deploys ${promotedVersion}, the version running in ${previousChannel?.name}, to ${channel.name}.`
        : `Deploys the version that last succeeded in ${previousChannel?.name} to ${channel.name}.`,
      details: <AsyncSetDiffView load={loadPromotionDiff} />,
      confirmLabel: 'Promote',
      done: `Promoting ${service} to ${channel.name}`,
    },
    approve: {
      title: `Approve ${active?.version} for ${channel.name}?`,
      description: (
        <>
          Requested by{' '}
          {active && <RequesterName deployment={active} hideIcon />}. The
          deployment starts as soon as you approve it.
        </>
      ),
      confirmLabel: 'Approve',
      done: `Approved ${active?.version} for ${channel.name}`,
    },
    cancel: {
      title: `Cancel the deployment of ${active?.version} to ${channel.name}?`,
      description: cancelEffect(active?.status),
      confirmLabel: 'Cancel deployment',
      done: `Cancelled the deployment of ${active?.version}`,
    },
    rollback: {
      title: `Roll back ${service} in ${channel.name}?`,
      description: active
        ? `Stops the deployment of ${active.version} now and restores the last version that succeeded in ${channel.name}.`
        : `Replaces ${
            running ?? 'the running version'
          } with the version that ran before it.`,
      confirmLabel: 'Roll back',
      done: `Rolling back ${service} in ${channel.name}`,
    },
  };

  // A signal may end the deployment while its dialog is open.
  const finishedMeanwhile = `The deployment in ${channel.name} finished in the meantime.`;
  const run: Record<ConfirmedAction, () => Promise<unknown>> = {
    promote: () =>
      deployApi.createDeployment({ service, channel: channel.name }),
    approve: () =>
      active
        ? deployApi.approveDeployment(active.id)
        : Promise.reject(new Error(finishedMeanwhile)),
    cancel: () =>
      active
        ? deployApi.cancelDeployment(active.id)
        : Promise.reject(new Error(finishedMeanwhile)),
    rollback: () => deployApi.rollback(service, channel.name),
  };

  const buttons: Array<{
    action: ConfirmedAction | 'deploy';
    label: string;
    ariaLabel: string;
    shown: boolean;
  }> = [
    {
      action: 'approve',
      label: 'Approve',
      ariaLabel: `Approve ${active?.version} for ${channel.name}`,
      shown: canApprove && active?.status === 'awaiting_approval',
    },
    {
      action: 'deploy',
      label: 'Deploy',
      ariaLabel: `Deploy a version of ${service} to ${channel.name}`,
      shown: canCreate,
    },
    {
      action: 'promote',
      label: `Promote from ${previousChannel?.name}`,
      ariaLabel: `Promote ${service} from ${previousChannel?.name} to ${channel.name}`,
      shown: canCreate && Boolean(previousChannel),
    },
    {
      action: 'cancel',
      label: 'Cancel',
      ariaLabel: `Cancel the deployment of ${active?.version} to ${channel.name}`,
      shown: canRollback && Boolean(active),
    },
    {
      action: 'rollback',
      label: 'Roll back',
      ariaLabel: `Roll back ${service} in ${channel.name}`,
      shown: canRollback && Boolean(running),
    },
  ];

  const confirmed = open && open !== 'deploy' ? open : undefined;

  return (
    <Box display="flex" flexWrap="wrap" gridGap={8}>
      {buttons
        .filter(button => button.shown)
        .map(button => (
          <Button
            key={button.action}
            size="small"
            variant={button.action === 'approve' ? 'contained' : 'outlined'}
            color="primary"
            aria-label={button.ariaLabel}
            onClick={() => setOpen(button.action)}
          >
            {button.label}
          </Button>
        ))}
      {open === 'deploy' && (
        <DeployDialog
          open
          service={service}
          channel={channel.name}
          releasesOnly={channel.policy.releasesOnly}
          onClose={close}
          onDeployed={deployment =>
            done(`Deploying ${deployment.version} to ${channel.name}`)
          }
        />
      )}
      {confirmed && (
        <ConfirmActionDialog
          open
          title={texts[confirmed].title}
          description={texts[confirmed].description}
          details={texts[confirmed].details}
          confirmLabel={texts[confirmed].confirmLabel}
          onConfirm={run[confirmed]}
          onClose={close}
          onDone={() => done(texts[confirmed].done)}
        />
      )}
    </Box>
  );
}

/** What cancelling does, by where the deployment is. */
function cancelEffect(status?: DeploymentStatus): string {
  switch (status) {
    case 'migrating':
      return 'Its migration Job is deleted now; a migration cut short may leave the schema half-changed.';
    case 'rolling_out':
    case 'soaking':
    case 'rolling_back':
      return 'It stops now. Its objects stay as they were applied: roll back to restore the last version that succeeded.';
    default:
      return 'It stops before anything is applied.';
  }
}
