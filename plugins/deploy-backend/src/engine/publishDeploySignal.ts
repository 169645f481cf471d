import { SignalsService } from '@backstage/plugin-signals-node';
import {
  DeploySignal,
  serviceSignalChannel,
} from '@slipway/plugin-deploy-common';

/**
 * Tells a service's open Deploy tabs that something of it changed, in the
 * shape the frontend subscribes to (deploy-common's `DeploySignal`).
 */
export function publishDeploySignal(
  signals: SignalsService,
  service: string,
  message: DeploySignal,
): Promise<void> {
  return signals.publish<DeploySignal>({
    recipients: { type: 'broadcast' },
    channel: serviceSignalChannel(service),
    message,
  });
}
