import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { PipelineStage } from '@slipway/plugin-deploy-common';
import { ComponentType, Fragment, PropsWithChildren, ReactNode } from 'react';
import { SoakCountdown } from './SoakCountdown';

const indicators: Record<
  Exclude<PipelineStage['state'], 'pending'>,
  ComponentType<PropsWithChildren>
> = {
  deployed: StatusOK,
  deploying: StatusRunning,
  waiting: StatusPending,
  failed: StatusError,
  rejected: StatusError,
  superseded: StatusAborted,
  cancelled: StatusAborted,
};

const stateText: Record<PipelineStage['state'], string> = {
  deployed: 'Deployed',
  deploying: 'Deploying',
  waiting: 'Waiting',
  failed: 'Failed',
  rejected: 'Rejected',
  superseded: 'Superseded',
  cancelled: 'Cancelled',
  pending: 'Pending',
};

/**
 * Where the backend's message says more than the label: the step under way,
 * why it failed, what took its place. (Elsewhere it is the label in other
 * words, and a tooltip.)
 */
const MESSAGE_SHOWN = new Set<PipelineStage['state']>([
  'deploying',
  'failed',
  'superseded',
]);

/** What a waiting stage waits for, in words, with the time left of a soak. */
function waitingFor(stage: PipelineStage): ReactNode {
  switch (stage.waitingFor) {
    case 'soak':
      return (
        <>
          Waiting for the soak
          {stage.soakEndsAt && (
            <>
              , <SoakCountdown endsAt={stage.soakEndsAt} />
            </>
          )}
        </>
      );
    case 'approval':
      return (
        <>
          Waiting for approval
          {stage.approvers && stage.approvers.length > 0 && (
            <>
              {' by '}
              {stage.approvers.map((approver, index) => (
                <Fragment key={approver}>
                  {index > 0 && ', '}
                  <EntityDisplayName
                    entityRef={approver}
                    defaultKind="group"
                    hideIcon
                  />
                </Fragment>
              ))}
            </>
          )}
        </>
      );
    case 'window':
      return (
        <>Waiting for the deploy window{stage.window && `: ${stage.window}`}</>
      );
    default:
      return stateText.waiting;
  }
}

function StageLabel(props: { stage: PipelineStage }) {
  const { stage } = props;
  if (stage.state === 'pending') {
    return (
      <Typography component="span" variant="body2" color="textSecondary">
        {stateText.pending}
      </Typography>
    );
  }
  const Indicator = indicators[stage.state] ?? StatusPending;
  // One span: the indicator lays its children out as flex items, which
  // would drop the spaces around a name.
  return (
    <Indicator>
      <span>
        {stage.state === 'waiting' ? waitingFor(stage) : stateText[stage.state]}
      </span>
    </Indicator>
  );
}

/**
 * Where one release stands in one channel: its state, what it waits for,
 * whether a channel rule started it, and the backend's message.
 */
export function PipelineStageView(props: { stage: PipelineStage }) {
  const { stage } = props;
  return (
    <Box title={stage.message}>
      <StageLabel stage={stage} />
      {stage.state === 'deployed' && stage.current && (
        <Typography variant="caption" component="div">
          <strong>Running now</strong>
        </Typography>
      )}
      {stage.automation && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          title={stage.automation.reason}
        >
          by rule {stage.automation.rule}
        </Typography>
      )}
      {MESSAGE_SHOWN.has(stage.state) && stage.message && (
        <Typography variant="caption" color="textSecondary" component="div">
          {stage.message}
        </Typography>
      )}
    </Box>
  );
}
