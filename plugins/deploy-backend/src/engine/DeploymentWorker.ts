import { LoggerService } from '@backstage/backend-plugin-api';
import { isFinalDeploymentStatus } from '@slipway/plugin-deploy-common';
import { ClaimLostError } from '../database/ClaimLostError';
import { DeploymentStore, StoredDeployment } from '../database/DeploymentStore';
import { publicFailureMessage } from '../errors/errorExposure';
import { permanentReason, retryDelayMs } from './classifyError';
import { DeploymentRunner } from './DeploymentRunner';
import { Wakeup } from './Wakeup';

/** Worker settings, from `deploy.worker` (config.d.ts). */
export interface WorkerSettings {
  /** Deployments driven at once by one backend replica. */
  concurrency: number;
  /** Transient failures in a row after which a deployment fails. */
  maxAttempts: number;
  /** How long a claim lasts without a heartbeat. */
  leaseSeconds: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 4,
  maxAttempts: 12,
  leaseSeconds: 30,
};

/**
 * Claims runnable deployments from the database and drives each one through
 * its steps. Several workers (one per backend replica) share the database.
 *
 * - A claim is a conditional update that hands out a token; every write of
 *   the driver carries it, so a driver that lost its claim writes nothing.
 * - A heartbeat on its own timer keeps the claim alive for as long as it is
 *   held; when the claim is lost, the step is aborted.
 * - A deployment that waits (its rollout, a soak, a window, a retry) is
 *   released with the time it is due again: waiting holds no slot.
 * - Errors are classified: permanent ones fail the deployment at once,
 *   transient ones are retried with backoff, up to a limit.
 */
export class DeploymentWorker {
  private readonly driving = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  /** Cut short when this process learns of runnable work. */
  private readonly claimWakeup = new Wakeup();
  /** Deployments this process released to wait, by service/channel. */
  private readonly waiting = new Map<string, string>();
  private readonly settings: WorkerSettings;

  constructor(
    private readonly options: {
      store: DeploymentStore;
      runner: DeploymentRunner;
      logger: LoggerService;
      workerId: string;
      settings?: Partial<WorkerSettings>;
      pollIntervalMs?: number;
      /** The backoff before a retry; doubling from 2s to 30s by default. */
      retryDelayMs?: (attempt: number) => number;
    },
  ) {
    this.settings = { ...DEFAULT_WORKER_SETTINGS, ...options.settings };
  }

  /** Starts the claim loop; returns at once. */
  start(): void {
    this.loop().catch(error =>
      this.options.logger.error(`Deployment worker stopped: ${error}`),
    );
  }

  /** Stops claiming, and waits for the deployments in hand to finish their step and be released. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.claimWakeup.wake();
    await Promise.allSettled([...this.driving.values()]);
  }

  /** A deployment became runnable here (requested, approved): claim it now, not at the next poll. */
  wakeForNewWork(): void {
    this.claimWakeup.wake();
  }

  /**
   * A service's objects changed in a channel (the shared watch saw it): a
   * deployment of it waiting for its rollout is due now rather than at its
   * next poll.
   */
  wakeFor(service: string, channel: string): void {
    const id = this.waiting.get(`${service}/${channel}`);
    if (!id) {
      return;
    }
    this.waiting.delete(`${service}/${channel}`);
    this.options.store
      .wake(id)
      .then(() => this.claimWakeup.wake())
      .catch(() => undefined);
  }

  private async loop() {
    const { store, workerId } = this.options;
    while (!this.abort.signal.aborted) {
      if (this.driving.size < this.settings.concurrency) {
        const claimed = await store
          .claimNext({
            workerId,
            leaseSeconds: this.settings.leaseSeconds,
            exclude: [...this.driving.keys()],
          })
          .catch(error => {
            this.options.logger.warn(`Could not claim a deployment: ${error}`);
            return undefined;
          });
        if (claimed) {
          const drive = this.drive(claimed).finally(() =>
            this.driving.delete(claimed.id),
          );
          this.driving.set(claimed.id, drive);
          continue;
        }
      }
      await this.claimWakeup.sleep(
        this.options.pollIntervalMs ?? 1000,
        this.abort.signal,
      );
    }
  }

  /** Drives a claimed deployment until it ends, waits, or the claim is lost. */
  private async drive(claimed: StoredDeployment) {
    const { store, runner, logger } = this.options;
    const id = claimed.id;
    const claim = claimed.claim!;
    const lost = new AbortController();
    const stopHeartbeat = this.keepAlive(id, claim, lost);
    let released = false;
    let deployment: StoredDeployment | undefined = claimed;
    try {
      while (deployment && !isFinalDeploymentStatus(deployment.status)) {
        if (this.abort.signal.aborted) {
          return;
        }
        const key = `${deployment.service}/${deployment.channel}`;
        if (this.waiting.get(key) === id) {
          this.waiting.delete(key);
        }
        let outcome;
        try {
          outcome = await runner.step(deployment, {
            claim,
            signal: lost.signal,
          });
        } catch (error) {
          if (lost.signal.aborted || error instanceof ClaimLostError) {
            logger.info(
              `Deployment ${id}: the claim was lost (taken over or aborted); this driver stops`,
            );
            return;
          }
          released = await this.onError(deployment, claim, error);
          return;
        }
        if (outcome.next === 'done') {
          return;
        }
        if (outcome.ms > 0) {
          this.waiting.set(key, id);
          released = await store.release(id, claim, {
            dueInMs: outcome.ms,
            attempts: 0,
          });
          // Due again then: look for it at once instead of at the next poll.
          setTimeout(() => this.claimWakeup.wake(), outcome.ms).unref();
          return;
        }
        deployment = await store.getDeployment(id);
      }
    } catch (error) {
      logger.warn(`Deployment ${id}: driver failed: ${error}`);
    } finally {
      stopHeartbeat();
      if (!released) {
        await store.release(id, claim).catch(() => undefined);
      }
    }
  }

  /**
   * Heartbeats the claim on its own timer, whatever the step is doing. When
   * the claim is lost (or cannot be renewed before the lease would run
   * out), aborts the step.
   */
  private keepAlive(id: string, claim: string, lost: AbortController) {
    const leaseMs = this.settings.leaseSeconds * 1000;
    let renewedAt = Date.now();
    const timer = setInterval(() => {
      this.options.store
        .heartbeat(id, claim)
        .then(held => {
          if (held) {
            renewedAt = Date.now();
          } else {
            lost.abort(new ClaimLostError(`lost the claim on ${id}`));
          }
        })
        .catch(() => {
          if (Date.now() - renewedAt > leaseMs * 0.8) {
            lost.abort(
              new ClaimLostError(`could not renew the claim on ${id}`),
            );
          }
        });
    }, leaseMs / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * A step failed: a permanent error fails the deployment now; a transient
   * one is retried after a backoff, with the deployment released meanwhile,
   * until too many failed in a row. Returns whether the claim was released.
   */
  private async onError(
    deployment: StoredDeployment,
    claim: string,
    error: unknown,
  ): Promise<boolean> {
    const { store, runner, logger } = this.options;
    const { id } = deployment;
    const attempts = (deployment.attempts ?? 0) + 1;
    // Readers of the service see the timeline: internal detail stays in the log.
    const reason = publicFailureMessage(
      error,
      logger,
      `Deployment ${id} step failed (attempt ${attempts})`,
    );
    const permanent = permanentReason(error);
    try {
      if (permanent) {
        logger.warn(`Deployment ${id} failed for good: ${reason}`);
        await runner.failOnError(deployment, claim, permanent);
        return false;
      }
      if (attempts >= this.settings.maxAttempts) {
        await runner.failOnError(
          deployment,
          claim,
          `gave up after ${attempts} failed attempts in a row; the last: ${reason}`,
        );
        return false;
      }
      const delay = (this.options.retryDelayMs ?? retryDelayMs)(attempts);
      logger.warn(
        `Deployment ${id} step failed (attempt ${attempts} of ${this.settings.maxAttempts}), retrying in ${delay} ms: ${reason}`,
      );
      await store.appendEvent(
        id,
        {
          type: 'retrying',
          message: `A step failed (attempt ${attempts} of ${
            this.settings.maxAttempts
          }); trying again in ${Math.round(delay / 1000)}s: ${reason}`,
        },
        { claim },
      );
      return await store.release(id, claim, { dueInMs: delay, attempts });
    } catch (failure) {
      // The database or the claim went away too: the lease runs out and
      // another attempt picks it up.
      logger.warn(`Deployment ${id}: could not record a failure: ${failure}`);
      return false;
    }
  }
}
