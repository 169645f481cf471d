import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusRunning,
} from '@backstage/core-components';
import { RolloutHealth } from '@slipway/plugin-deploy-common';
import { ComponentType, PropsWithChildren } from 'react';

const indicators: Record<RolloutHealth, ComponentType<PropsWithChildren>> = {
  Healthy: StatusOK,
  Progressing: StatusRunning,
  Degraded: StatusError,
  Missing: StatusAborted,
};

/** A channel's rollout health as a coloured indicator and its name. */
export function RolloutHealthLabel(props: { health: RolloutHealth }) {
  const Indicator = indicators[props.health] ?? StatusAborted;
  return <Indicator>{props.health}</Indicator>;
}
