import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  Deployment,
  ReleaseChannel,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { DeploymentListener } from '../engine/DeploymentRunner';
import { DeployService } from '../service/DeployService';
import { decideDelivery } from './decideDelivery';

/** Who requests what a rule delivers, as history and the audit log show it. */
export function ruleRequester(rule: string): string {
  return `slipway:rule/${rule}`;
}

/**
 * Runs the channels' delivery rules (see decideDelivery): after a release is
 * published, after a deployment ends, and on a timer (`sweep`), so that a
 * crash or a second replica changes nothing — a rule's deployment is unique
 * per service, channel and release in the database.
 *
 * Also tells the owning team when a rule's deployment failed (the pipeline
 * holds there) and when a channel has been behind the previous one for too
 * long.
 */
export class DeliveryController implements DeploymentListener {
  /** Per service, the reconcile under way and whether another is wanted. */
  private readonly running = new Map<
    string,
    { again: boolean; done: Promise<void> }
  >();

  /** Behind alerts sent by this process, by scope: one per release, not one per sweep. */
  private readonly alerted = new Set<string>();

  constructor(
    private readonly options: {
      store: DeploymentStore;
      channels: ReleaseChannel[];
      deployService: DeployService;
      notifications?: NotificationService;
      /** Rules' deployments are audited as people's are, with the rule. */
      auditor?: AuditorService;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** Whether any channel moves on its own; without, there is nothing to do. */
  get enabled(): boolean {
    return this.options.channels.some(
      c => c.policy.autoDeploy || c.policy.autoPromote,
    );
  }

  async onChange(deployment: Deployment): Promise<void> {
    if (!isFinalDeploymentStatus(deployment.status)) {
      return;
    }
    if (
      deployment.automation &&
      (deployment.status === 'failed' || deployment.status === 'rolled_back')
    ) {
      await this.notifyHeld(deployment);
    }
    this.poke(deployment.service);
  }

  /** Runs the rules for a service soon; calls that overlap run it once more, not twice at once. */
  poke(service: string): void {
    if (!this.enabled) {
      return;
    }
    const current = this.running.get(service);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    this.running.set(service, entry);
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await this.reconcile(service).catch(error =>
            this.options.logger.warn(
              `Delivery rules for ${service} could not run: ${error}`,
            ),
          );
        } while (entry.again);
      } finally {
        this.running.delete(service);
      }
    })();
  }

  /** Resolves when no rule runs for the service (for tests and shutdown). */
  async idle(service?: string): Promise<void> {
    const entries = service
      ? [this.running.get(service)]
      : [...this.running.values()];
    await Promise.all(entries.map(e => e?.done));
  }

  /** Applies what the rules ask for one service now; returns what it did. */
  async reconcile(service: string): Promise<string[]> {
    const { store, channels, deployService, logger } = this.options;
    const [releases, deployments] = await Promise.all([
      store.listReleases(service, { limit: 50 }),
      store.listDeployments({ service, limit: 200 }),
    ]);
    if (releases.items.length === 0) {
      return [];
    }
    const actions = decideDelivery({
      channels,
      releases: releases.items,
      deployments: deployments.items,
    });
    const done: string[] = [];
    for (const action of actions) {
      try {
        if (action.kind === 'supersede') {
          if (await deployService.supersede(action.deploymentId, action.by)) {
            done.push(`superseded ${action.deploymentId} in ${action.channel}`);
          }
          continue;
        }
        const deployment = await this.audited(
          {
            service,
            channel: action.channel,
            version: action.version,
            rule: action.automation.rule,
            reason: action.automation.reason,
            requestedBy: ruleRequester(action.automation.rule),
          },
          () =>
            deployService.createDeployment(
              {
                service,
                channel: action.channel,
                version: action.version,
              },
              {
                userEntityRef: ruleRequester(action.automation.rule),
                mayOverride: false,
              },
              action.automation,
            ),
        );
        done.push(
          `${action.automation.rule} ${action.version} to ${action.channel} (${deployment.id})`,
        );
        logger.info(
          `${action.automation.rule}: ${service} ${action.version} to ${action.channel} (${action.automation.reason})`,
        );
      } catch (error) {
        // Another replica got there first, or the channel is busy: the rule
        // runs again when that deployment ends.
        if (!(error instanceof ConflictError)) {
          throw error;
        }
        logger.debug(
          `Delivery of ${service} to ${action.channel} waits: ${error.message}`,
        );
      }
    }
    return done;
  }

  /**
   * A rule's deployment as an audit event, like a person's `deployment-create`
   * with the rule and its reason. One that another replica made first (a
   * conflict) is not an event: nothing happened.
   */
  private async audited<T>(
    meta: Record<string, string>,
    create: () => Promise<T>,
  ): Promise<T> {
    const { auditor } = this.options;
    if (!auditor) {
      return create();
    }
    try {
      const result = await create();
      const event = await auditor.createEvent({
        eventId: 'deployment-create',
        severityLevel: 'medium',
        meta,
      });
      await event.success();
      return result;
    } catch (error) {
      if (!(error instanceof ConflictError)) {
        const event = await auditor.createEvent({
          eventId: 'deployment-create',
          severityLevel: 'medium',
          meta,
        });
        await event.fail({ error: error as Error });
      }
      throw error;
    }
  }

  /** Runs the rules for every service with releases, and the behind alerts. */
  async sweep(): Promise<void> {
    const services = await this.options.store.listServices();
    for (const service of services) {
      if (this.enabled) {
        await this.reconcile(service.name).catch(error =>
          this.options.logger.warn(
            `Delivery rules for ${service.name} could not run: ${error}`,
          ),
        );
      }
      await this.alertBehind(service.name, service.ownerRef);
    }
  }

  private async notifyHeld(deployment: Deployment) {
    const later = this.options.channels
      .filter(
        c =>
          c.order >
          (this.options.channels.find(x => x.name === deployment.channel)
            ?.order ?? 0),
      )
      .map(c => c.name);
    await this.options.notifications
      ?.send({
        recipients: { type: 'entity', entityRef: deployment.ownerRef },
        payload: {
          title: `${deployment.service}: the pipeline holds at ${deployment.channel}`,
          description: `${deployment.version} ${deployment.status.replace(
            '_',
            ' ',
          )} in ${deployment.channel}${
            later.length
              ? `, so it will not be promoted to ${later.join(', ')}`
              : ''
          }. The next release flows on its own; or deploy by hand.`,
          link: `/catalog/default/component/${deployment.service}/deploy`,
          severity: 'high',
          topic: `deploy:${deployment.service}`,
          scope: `deploy:held:${deployment.id}`,
        },
      })
      .catch(error =>
        this.options.logger.warn(
          `Could not notify ${deployment.ownerRef} about ${deployment.id}: ${error}`,
        ),
      );
  }

  /**
   * A channel with `behindAlertMinutes` that has run an older release than
   * the previous channel for that long: the team hears of it once per
   * release.
   */
  private async alertBehind(service: string, ownerRef: string) {
    const { store, channels, notifications } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    for (const channel of channels) {
      const minutes = channel.policy.behindAlertMinutes;
      const previous = channels.find(c => c.order === channel.order - 1);
      if (!minutes || !previous || !notifications) {
        continue;
      }
      const [ahead, here] = await Promise.all([
        store.lastSucceeded(service, previous.name),
        store.lastSucceeded(service, channel.name),
      ]);
      if (!ahead || ahead.version === here?.version) {
        continue;
      }
      const [aheadRelease, hereRelease] = await Promise.all([
        store.getRelease(service, ahead.version),
        here && store.getRelease(service, here.version),
      ]);
      if (
        !aheadRelease ||
        (hereRelease && hereRelease.seq >= aheadRelease.seq)
      ) {
        continue;
      }
      const since = Date.parse(ahead.finishedAt ?? ahead.createdAt);
      if (now.getTime() - since < minutes * 60_000) {
        continue;
      }
      const scope = `deploy:behind:${service}:${channel.name}:${ahead.version}`;
      if (this.alerted.has(scope)) {
        continue;
      }
      this.alerted.add(scope);
      await notifications
        .send({
          recipients: { type: 'entity', entityRef: ownerRef },
          payload: {
            title: `${service}: ${channel.name} is behind ${previous.name}`,
            description: `${previous.name} has run ${
              ahead.version
            } since ${new Date(since).toISOString()}; ${
              channel.name
            } still runs ${here?.version ?? 'nothing'}.`,
            link: `/catalog/default/component/${service}/deploy`,
            severity: 'normal',
            topic: `deploy:${service}`,
            scope,
          },
        })
        .catch(error =>
          this.options.logger.warn(
            `Could not tell ${ownerRef} that ${channel.name} is behind: ${error}`,
          ),
        );
    }
  }
}
