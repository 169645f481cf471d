import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { Deployment } from '@slipway/plugin-deploy-common';
import { DeploymentListener } from './DeploymentRunner';
import { publishDeploySignal } from './publishDeploySignal';

/**
 * Tells the world a deployment changed: open pages through a signal, and the
 * owning team through a notification when it failed.
 */
export class DeploymentAnnouncer implements DeploymentListener {
  constructor(
    private readonly signals: SignalsService,
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  async onChange(deployment: Deployment): Promise<void> {
    await publishDeploySignal(this.signals, deployment.service, {
      type: 'deployment-changed',
      deploymentId: deployment.id,
      status: deployment.status,
    });
    if (deployment.status === 'awaiting_approval') {
      // The team that owns the service is who approves (or asks whoever may).
      await this.notifications
        .send({
          recipients: { type: 'entity', entityRef: deployment.ownerRef },
          payload: {
            title: `${deployment.service} ${deployment.version} awaits approval for ${deployment.channel}`,
            description: `Requested by ${deployment.requestedBy}.`,
            link: `/catalog/default/component/${deployment.service}/deploy`,
            severity: 'normal',
            topic: `deploy:${deployment.service}`,
          },
        })
        .catch(error =>
          this.logger.warn(
            `Could not notify ${deployment.ownerRef} about ${deployment.id}: ${error}`,
          ),
        );
    }
    if (deployment.status === 'failed' || deployment.status === 'rolled_back') {
      await this.notifications
        .send({
          recipients: { type: 'entity', entityRef: deployment.ownerRef },
          payload: {
            title: `${deployment.service} ${deployment.version} ${
              deployment.status === 'failed' ? 'failed' : 'was rolled back'
            } in ${deployment.channel}`,
            description:
              deployment.result?.rollout?.message ??
              deployment.result?.migration?.message ??
              'See the deployment for details.',
            link: `/catalog/default/component/${deployment.service}/deploy`,
            severity: 'high',
            topic: `deploy:${deployment.service}`,
          },
        })
        .catch(error =>
          this.logger.warn(
            `Could not notify ${deployment.ownerRef} about ${deployment.id}: ${error}`,
          ),
        );
    }
  }
}
