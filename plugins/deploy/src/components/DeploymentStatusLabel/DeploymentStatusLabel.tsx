import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { DeploymentStatus } from '@slipway/plugin-deploy-common';
import { ComponentType, PropsWithChildren } from 'react';

const indicators: Record<DeploymentStatus, ComponentType<PropsWithChildren>> = {
  requested: StatusPending,
  awaiting_approval: StatusPending,
  migrating: StatusRunning,
  rolling_out: StatusRunning,
  soaking: StatusRunning,
  rolling_back: StatusRunning,
  succeeded: StatusOK,
  rolled_back: StatusWarning,
  failed: StatusError,
  rejected: StatusError,
  cancelled: StatusAborted,
};

/** "awaiting_approval" → "Awaiting approval". */
export function deploymentStatusText(status: DeploymentStatus): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A deployment's status as a coloured indicator and words. */
export function DeploymentStatusLabel(props: { status: DeploymentStatus }) {
  const Indicator = indicators[props.status] ?? StatusPending;
  // One line: "Rolled back" broken over two reads as two states in a table.
  return (
    <Box component="span" whiteSpace="nowrap">
      <Indicator>{deploymentStatusText(props.status)}</Indicator>
    </Box>
  );
}
