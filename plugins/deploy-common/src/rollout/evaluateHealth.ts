import { RolloutHealth } from '../api';
import { DeploymentShape, PodShape } from './kubernetesShapes';
import { evaluateRollout } from './evaluateRollout';

/**
 * Health of a service in a channel, for the Deploy tab: Missing without a
 * Deployment, otherwise what the rollout judgement says.
 *
 * @public
 */
export function evaluateHealth(
  deployment: DeploymentShape | undefined,
  pods: PodShape[] = [],
): RolloutHealth {
  if (!deployment) {
    return 'Missing';
  }
  const verdict = evaluateRollout(deployment, { pods });
  switch (verdict.state) {
    case 'complete':
      return 'Healthy';
    case 'failed':
      return 'Degraded';
    default:
      return 'Progressing';
  }
}
