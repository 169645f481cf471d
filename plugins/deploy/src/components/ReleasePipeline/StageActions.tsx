import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import {
  deployApprovePermission,
  deployCreatePermission,
  deployTargetRef,
  PipelineStage,
} from '@slipway/plugin-deploy-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { deployApiRef } from '../../api';
import { describeError } from '../describeError';

/** Props of {@link StageActions}. */
export interface StageActionsProps {
  service: string;
  version: string;
  stage: PipelineStage;
  /** From {@link stageAction}. */
  action: StageAction;
  /** Called after an action was accepted, to reload the pipeline. */
  onChanged: () => void;
}

/** What a person can do for a release in a channel from the pipeline. */
export type StageAction = 'approve' | 'promote';

/**
 * The action a stage offers, if any: approve what waits for approval;
 * promote what is not in this channel yet but deployed in the one before.
 */
export function stageAction(
  stage: PipelineStage,
  previousStage?: PipelineStage,
): StageAction | undefined {
  if (
    stage.state === 'waiting' &&
    stage.waitingFor === 'approval' &&
    stage.deploymentId
  ) {
    return 'approve';
  }
  if (stage.state === 'pending' && previousStage?.state === 'deployed') {
    return 'promote';
  }
  return undefined;
}

/**
 * One click to approve a release waiting for approval in a channel, or to
 * promote a release the previous channel has deployed. Shown only to those
 * whom the permission policy lets do it in this channel, as on the cards.
 */
export function StageActions(props: StageActionsProps) {
  const { service, version, stage, action, onChanged } = props;
  const deployApi = useApi(deployApiRef);
  const alertApi = useApi(alertApiRef);
  const allowed = usePermission({
    permission:
      action === 'approve' ? deployApprovePermission : deployCreatePermission,
    resourceRef: deployTargetRef(service, stage.channel),
  }).allowed;

  const [state, run] = useAsyncFn(async () => {
    try {
      if (action === 'approve') {
        await deployApi.approveDeployment(stage.deploymentId!);
        alertApi.post({
          message: `Approved ${version} for ${stage.channel}`,
          severity: 'success',
          display: 'transient',
        });
      } else {
        await deployApi.createDeployment({
          service,
          channel: stage.channel,
          version,
        });
        alertApi.post({
          message: `Promoting ${version} to ${stage.channel}`,
          severity: 'success',
          display: 'transient',
        });
      }
      onChanged();
    } catch (error) {
      // Someone else may have acted first; the backend says so.
      alertApi.post({
        message: describeError(error as Error),
        severity: 'error',
      });
    }
  }, [action, deployApi, alertApi, service, version, stage, onChanged]);

  if (!allowed) {
    return null;
  }
  return (
    <Button
      size="small"
      color="primary"
      variant={action === 'approve' ? 'contained' : 'outlined'}
      disabled={state.loading}
      aria-label={
        action === 'approve'
          ? `Approve ${version} for ${stage.channel}`
          : `Promote ${version} to ${stage.channel}`
      }
      onClick={run}
    >
      {action === 'approve' ? 'Approve' : 'Promote'}
    </Button>
  );
}
