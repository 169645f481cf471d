import { LoggerService } from '@backstage/backend-plugin-api';
import { isFinalDeploymentStatus } from '@slipway/plugin-deploy-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { publicFailureMessage } from '../errors/errorExposure';
import { DeploymentRunner } from './DeploymentRunner';
import { Wakeup } from './Wakeup';

/** After this many failed steps in a row (a flaky API server), give up on the claim for a while. */
const MAX_CONSECUTIVE_ERRORS = 5;

/**
 * Claims runnable deployments from the database and drives each one through
 * its steps. Several workers (one per backend replica) share the database: a
 * claim is a conditional update, kept alive by heartbeats, so each deployment
 * has one driver at a time and a crashed driver's work is taken over once its
 * lease runs out.
 */
export class DeploymentWorker {
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  /** Cut short when this process learns of runnable work. */
  private readonly claimWakeup = new Wakeup();
  /** Per service and channel, cut short when its objects change. */
  private readonly stepWakeups = new Map<string, Wakeup>();

  constructor(
    private readonly options: {
      store: DeploymentStore;
      runner: DeploymentRunner;
      logger: LoggerService;
      workerId: string;
      /** How long a claim lasts without a heartbeat. */
      leaseSeconds?: number;
      pollIntervalMs?: number;
      /** Deployments driven at once by this worker. */
      concurrency?: number;
    },
  ) {}

  /** Starts the claim loop; returns at once. */
  start(): void {
    this.loop().catch(error =>
      this.options.logger.error(`Deployment worker stopped: ${error}`),
    );
  }

  /** Stops claiming, and waits for the deployments in hand to reach a pause. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  /** A deployment became runnable here (requested, approved): claim it now, not at the next poll. */
  wakeForNewWork(): void {
    this.claimWakeup.wake();
  }

  /**
   * A service's objects changed in a channel (the shared watch saw it): a
   * deployment of it waiting for its rollout looks again now rather than at
   * its next poll.
   */
  wakeFor(service: string, channel: string): void {
    this.stepWakeups.get(`${service}/${channel}`)?.wake();
  }

  private get leaseSeconds() {
    return this.options.leaseSeconds ?? 30;
  }

  private async loop() {
    const { store, workerId } = this.options;
    const concurrency = this.options.concurrency ?? 4;
    while (!this.abort.signal.aborted) {
      if (this.running.size < concurrency) {
        const claimed = await store
          .claimNext({ workerId, leaseSeconds: this.leaseSeconds })
          .catch(error => {
            this.options.logger.warn(`Could not claim a deployment: ${error}`);
            return undefined;
          });
        if (claimed) {
          const drive = this.drive(claimed.id).finally(() =>
            this.running.delete(drive),
          );
          this.running.add(drive);
          continue;
        }
      }
      await this.claimWakeup.sleep(
        this.options.pollIntervalMs ?? 1000,
        this.abort.signal,
      );
    }
  }

  private async drive(id: string) {
    const { store, runner, logger, workerId } = this.options;
    let errors = 0;
    let lastBeat = Date.now();
    let wakeKey: string | undefined;
    const wakeup = new Wakeup();
    try {
      while (!this.abort.signal.aborted) {
        const deployment = await store.getDeployment(id);
        if (!deployment || isFinalDeploymentStatus(deployment.status)) {
          return;
        }
        wakeKey = `${deployment.service}/${deployment.channel}`;
        this.stepWakeups.set(wakeKey, wakeup);
        let waitMs: number;
        try {
          const outcome = await runner.step(deployment, workerId);
          if (outcome.next === 'done') {
            return;
          }
          errors = 0;
          waitMs = outcome.ms;
        } catch (error) {
          errors += 1;
          // Readers of the service see the timeline: internal detail stays in the log.
          const reason = publicFailureMessage(
            error,
            logger,
            `Deployment ${id} step failed (${errors} in a row)`,
          );
          logger.warn(
            `Deployment ${id} step failed (${errors} in a row): ${reason}`,
          );
          await store
            .appendEvent(id, {
              type: 'retrying',
              message: `A step failed and will be retried: ${reason}`,
            })
            .catch(() => undefined);
          if (errors >= MAX_CONSECUTIVE_ERRORS) {
            // Let the claim lapse; this or another replica picks it up again later.
            return;
          }
          waitMs = Math.min(1000 * 2 ** errors, 15_000);
        }
        if (
          Date.now() - lastBeat > (this.leaseSeconds * 1000) / 3 ||
          waitMs > 0
        ) {
          if (!(await store.heartbeat(id, workerId))) {
            logger.warn(
              `Lost the claim on deployment ${id}; another worker has it`,
            );
            return;
          }
          lastBeat = Date.now();
        }
        await wakeup.sleep(waitMs, this.abort.signal);
      }
    } finally {
      if (wakeKey && this.stepWakeups.get(wakeKey) === wakeup) {
        this.stepWakeups.delete(wakeKey);
      }
      await store.release(id, workerId).catch(() => undefined);
    }
  }
}
