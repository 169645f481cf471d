import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Deployment,
  DeploymentResult,
  DeploymentStatus,
  ReleaseChannel,
  Service,
  evaluateJob,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import {
  DeploymentStore,
  DeploymentTransition,
  NewDeploymentEvent,
  StoredDeployment,
} from '../database/DeploymentStore';
import { ClaimLostError } from '../database/ClaimLostError';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { captureEvidence } from '../kubernetes/captureEvidence';
import { VERSION_ANNOTATION } from '../kubernetes/serviceObjects/slipwayLabels';
import { resolveNamespace } from '../kubernetes/serviceObjects/resolveNamespace';
import { SetBuilder } from '../manifests/SetBuilder';
import { isMigrationJob, phaseOf } from '../manifests/kinds';
import {
  RenderedSet,
  SetObject,
  describeObject,
} from '../manifests/renderedSet';
import { SET_LABELS } from '../manifests/stampSet';
import { SetVerdict, judgeSet } from './judgeSet';
import { permanentReason } from './classifyError';
import {
  describeWindow,
  insideWindow,
  untilWindowOpens,
} from '../service/deployWindow';
import { releaseStuckStatefulSetPods } from './releaseStuckPods';
import { reportSet } from './reportSet';
import { pruneObjects, withoutMigrations } from './pruneObjects';

/** What the worker does after a step: come back later, or stop. */
export type StepOutcome = { next: 'wait'; ms: number } | { next: 'done' };

/** Step names stored in `deployments.step`, so a resumed run skips work already done. */
const APPLIED = 'applied';
const WAITING_FOR_WINDOW = 'waiting-for-window';

/** The longest a waiting deployment sleeps before it looks again (config may change). */
const MAX_WAIT_MS = 15 * 60_000;

const POLL_MS = 1000;

/** Tells open pages and the owning team that a deployment changed. */
export interface DeploymentListener {
  onChange(deployment: Deployment): Promise<void>;
}

/**
 * Advances one deployment by one step of its life (docs/architecture.md,
 * "A deployment's life"), working on the deployment's rendered set only.
 * Every step is idempotent and every status change a conditional update, so
 * a step repeated after a crash, or raced by a second replica, changes
 * nothing twice.
 */
export class DeploymentRunner {
  constructor(
    private readonly options: {
      store: DeploymentStore;
      channels: ReleaseChannel[];
      clusterFor: (clusterName: string) => ClusterClient;
      logger: LoggerService;
      listener?: DeploymentListener;
      /** Restarts a crash-looping container may have before the rollout fails. */
      crashLoopRestartThreshold?: number;
      /**
       * Asks for the namespace to be watched while a rollout is judged, so
       * the worker is woken by its changes instead of waiting for a poll.
       */
      watchNamespace?: (cluster: string, namespace: string) => void;
    },
  ) {}

  /**
   * Runs the next step of a deployment this worker has claimed. Status
   * changes apply only while the claim is still this worker's.
   */
  async step(
    deployment: StoredDeployment,
    driver: { claim: string; signal: AbortSignal },
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const service = await store.getService(deployment.service);
    const channel = this.options.channels.find(
      c => c.name === deployment.channel,
    );
    if (!service || !channel) {
      await this.finish(deployment, driver.claim, 'failed', {
        message: `${
          !service
            ? `service ${deployment.service}`
            : `channel ${deployment.channel}`
        } no longer exists`,
      });
      return { next: 'done' };
    }
    // The spec pinned when the deployment was requested (and approved), not
    // whatever the service says now.
    const spec = (await store.getDeploymentSpec(deployment.id)) ?? service.spec;
    const namespace = resolveNamespace(channel.namespacePattern, {
      service: service.name,
      channel: channel.name,
    });
    const pinned = { ...service, spec };
    const target: Target = {
      ...driver,
      service: pinned,
      channel,
      namespace,
      client: this.options.clusterFor(channel.cluster),
      set: await this.setOf(deployment, pinned, channel, namespace),
    };

    if (
      ['rolling_out', 'soaking', 'rolling_back'].includes(deployment.status)
    ) {
      this.options.watchNamespace?.(channel.cluster, target.namespace);
    }
    switch (deployment.status) {
      case 'requested':
        return this.start(deployment, target);
      case 'migrating':
        return this.migrate(deployment, target);
      case 'rolling_out':
        return this.rollOut(deployment, target);
      case 'soaking':
        return this.soak(deployment, target);
      case 'rolling_back':
        return this.rollBack(deployment, target);
      default:
        // awaiting approval, or final: nothing for the worker to do.
        return { next: 'done' };
    }
  }

  /**
   * Ends a deployment on an error no retry fixes (or after too many retries
   * in a row), with the reason on its timeline. A rollout already applied is
   * rolled back when the channel says so; a migration Job still running is
   * deleted.
   */
  async failOnError(
    deployment: StoredDeployment,
    claim: string,
    reason: string,
  ): Promise<void> {
    const channel = this.options.channels.find(
      c => c.name === deployment.channel,
    );
    const applied =
      deployment.status === 'soaking' ||
      (deployment.status === 'rolling_out' && deployment.step === APPLIED);
    if (applied && channel?.policy.autoRollback && deployment.previousVersion) {
      await this.move(
        deployment,
        claim,
        [deployment.status],
        'rolling_back',
        {
          result: {
            ...deployment.result,
            rollout: { state: 'failed', message: reason, reason: 'Error' },
          },
        },
        {
          type: 'rollout-failed',
          message: `Rollout failed: ${reason}. Rolling back to ${deployment.previousVersion}.`,
        },
      );
      return;
    }
    if (deployment.status === 'migrating') {
      await this.deleteMigrationJobs(deployment).catch(error =>
        this.options.logger.warn(
          `Could not delete the migration Job of ${deployment.id}: ${error}`,
        ),
      );
    }
    await this.finish(deployment, claim, 'failed', {
      message: `Failed while ${deployment.status.replace('_', ' ')}: ${reason}`,
      from: [deployment.status],
    });
  }

  /**
   * Deletes a deployment's migration Jobs (and their pods), for a deployment
   * cancelled, aborted or failed while migrating: what is stopped must not
   * keep changing the database. Returns the names deleted.
   */
  async deleteMigrationJobs(deployment: Deployment): Promise<string[]> {
    const channel = this.options.channels.find(
      c => c.name === deployment.channel,
    );
    const set = await this.options.store.getDeploymentSet(deployment.id);
    if (!channel || !set) {
      return [];
    }
    const client = this.options.clusterFor(channel.cluster);
    const jobs = set.objects.filter(isMigrationJob);
    for (const job of jobs) {
      await client.deleteObject({
        apiVersion: job.apiVersion!,
        kind: 'Job',
        namespace: job.metadata!.namespace,
        name: job.metadata!.name!,
      });
    }
    return jobs.map(job => job.metadata!.name!);
  }

  /** The set stored with the deployment; generated from its spec for one recorded before sets were. */
  private async setOf(
    deployment: StoredDeployment,
    service: Service,
    channel: ReleaseChannel,
    namespace: string,
  ): Promise<RenderedSet> {
    const stored = await this.options.store.getDeploymentSet(deployment.id);
    if (stored) {
      return stored;
    }
    return new SetBuilder().build({
      service,
      channel,
      namespace,
      version: deployment.version,
      deploymentId: deployment.id,
    });
  }

  /**
   * Before anything is applied: no object of the set may belong to another
   * service, and the API server must accept every object (a server-side dry
   * run surfaces schema, admission and permission errors, per object).
   */
  private async check(t: Target): Promise<string | undefined> {
    for (const object of t.set.objects) {
      let live;
      try {
        live = await t.client.getObject({
          apiVersion: object.apiVersion!,
          kind: object.kind!,
          namespace: object.metadata?.namespace,
          name: object.metadata!.name!,
        });
      } catch (error) {
        const problem = permanentReason(error);
        if (problem) {
          return `Slipway could not read ${describeObject(object)}: ${problem}`;
        }
        throw error;
      }
      const owner = live?.metadata?.labels?.[SET_LABELS.service];
      const ownerChannel = live?.metadata?.labels?.[SET_LABELS.channel];
      if (
        live &&
        owner &&
        (owner !== t.service.name ||
          (ownerChannel && ownerChannel !== t.channel.name))
      ) {
        return `${describeObject(object)} in ${
          t.namespace
        } belongs to service ${owner}${
          ownerChannel ? ` (channel ${ownerChannel})` : ''
        }; rename the object in ${t.service.name}'s manifests`;
      }
    }
    for (const object of t.set.objects) {
      try {
        await t.client.applyObjects([object], undefined, { dryRun: true });
      } catch (error) {
        const problem = permanentReason(error);
        if (problem) {
          return `The cluster refused ${describeObject(
            object,
          )} in a dry run: ${problem}`;
        }
        throw error;
      }
    }
    return undefined;
  }

  private async start(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    // The window is checked when the deployment is about to start, however
    // long it waited for its approval. Not for a rollback: the way out of an
    // incident does not wait for office hours.
    const window = t.set.source.restoredFrom
      ? undefined
      : t.channel.policy.deployWindow;
    const now = new Date();
    if (window && !insideWindow(window, now)) {
      const untilOpen = untilWindowOpens(window, now);
      if (untilOpen === undefined) {
        await this.finish(deployment, t.claim, 'failed', {
          message: `${t.channel.name}'s deploy window names no day, so it never opens. Nothing was applied.`,
          from: ['requested'],
        });
        return { next: 'done' };
      }
      if (deployment.step !== WAITING_FOR_WINDOW) {
        await this.mark(
          deployment,
          t,
          'requested',
          {
            type: 'waiting-for-window',
            message: `${t.channel.name} takes deployments only ${describeWindow(
              window,
            )}; this one starts when the window opens, in ${Math.ceil(
              untilOpen / 60_000,
            )} min`,
          },
          undefined,
          WAITING_FOR_WINDOW,
        );
        await this.notify(deployment.id);
      }
      return { next: 'wait', ms: Math.min(untilOpen, MAX_WAIT_MS) };
    }
    const problem = await this.check(t);
    if (problem) {
      await this.finish(deployment, t.claim, 'failed', {
        message: `${problem}. Nothing was applied.`,
        from: ['requested'],
      });
      return { next: 'done' };
    }
    const last = await this.options.store.lastSucceeded(
      t.service.name,
      t.channel.name,
    );
    const running = last
      ? undefined
      : await t.client.getDeployment(t.namespace, t.service.name);
    const previousVersion =
      last?.version ?? running?.metadata?.annotations?.[VERSION_ANNOTATION];
    const to: DeploymentStatus = t.set.objects.some(isMigrationJob)
      ? 'migrating'
      : 'rolling_out';
    await this.move(
      deployment,
      t.claim,
      ['requested'],
      to,
      {
        startedAt: new Date().toISOString(),
        previousVersion,
      },
      {
        type: 'started',
        message: `${
          previousVersion
            ? `Deploying ${deployment.version} to ${t.channel.name}, replacing ${previousVersion}`
            : `Deploying ${deployment.version} to ${t.channel.name}, its first version there`
        } (${describeSource(t.set)}, ${t.set.objects.length} objects)`,
      },
    );
    return { next: 'wait', ms: 0 };
  }

  private async migrate(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const jobs = t.set.objects.filter(isMigrationJob);
    const jobNames = jobs.map(j => j.metadata!.name!);
    if (deployment.step !== APPLIED) {
      // Config and accounts may be applied now; the workloads are not
      // touched until the migration has succeeded.
      t.signal.throwIfAborted();
      await t.client.applyObjects(
        t.set.objects.filter(o => phaseOf(o) === 'config'),
      );
      for (const job of jobs) {
        t.signal.throwIfAborted();
        await t.client.createJob(job as V1Job);
      }
      await this.mark(deployment, t, 'migrating', {
        type: 'migration-started',
        message: `Running migration Job ${jobNames.join(', ')} with ${
          t.service.spec.image
        }:${deployment.version}`,
        data: { job: jobNames[0], jobs: jobNames },
      }).catch(async error => {
        // Cancelled (or aborted) while the Jobs were being created: the
        // cancel deleted the Jobs before they existed, so what is stopped
        // must not migrate. Only once it has ended: a replica that took the
        // claim over follows these same Jobs.
        const now = await store.getDeployment(deployment.id);
        if (now && isFinalDeploymentStatus(now.status)) {
          await this.deleteMigrationJobs(now);
        }
        throw error;
      });
    }
    for (const job of jobs) {
      const jobName = job.metadata!.name!;
      const current = await t.client.getJob(t.namespace, jobName);
      if (!current) {
        // Deleted by someone else before it finished. A migration runs
        // once: it is not created again behind the team's back.
        await this.finish(deployment, t.claim, 'failed', {
          message: `Migration Job ${jobName} disappeared before it finished (deleted by someone else?). It is not run again: a migration must run once; deploy again to run it. The running version was not changed.`,
          result: {
            migration: {
              state: 'failed',
              message: 'the Job disappeared',
              job: jobName,
            },
          },
          from: ['migrating'],
        });
        return { next: 'done' };
      }
      const pods = await t.client.listPods(t.namespace, `job-name=${jobName}`);
      const verdict = evaluateJob(current, pods);
      if (verdict.state === 'running') {
        return { next: 'wait', ms: POLL_MS };
      }
      if (verdict.state === 'failed') {
        const logs = await this.jobLogs(t, job, pods);
        const evidence = await captureEvidence(t.client, {
          kind: 'migration',
          namespace: t.namespace,
          labelSelector: `job-name=${jobName}`,
          objectNames: [jobName],
        });
        await store.addEvidence(deployment.id, evidence, { claim: t.claim });
        await this.finish(deployment, t.claim, 'failed', {
          message: `Migration failed: ${verdict.message}. The running version was not changed.`,
          result: {
            migration: {
              state: 'failed',
              message: verdict.message,
              job: jobName,
            },
          },
          data: { job: jobName, logs },
          from: ['migrating'],
        });
        return { next: 'done' };
      }
    }
    const last = jobs[jobs.length - 1];
    const lastPods = await t.client.listPods(
      t.namespace,
      `job-name=${last.metadata!.name}`,
    );
    const logs = await this.jobLogs(t, last, lastPods);
    const message =
      jobs.length === 1
        ? `${jobNames[0]} completed`
        : `${jobs.length} migration Jobs completed`;
    await this.move(
      deployment,
      t.claim,
      ['migrating'],
      'rolling_out',
      {
        result: {
          ...deployment.result,
          migration: { state: 'succeeded', message, job: jobNames[0] },
        },
      },
      {
        type: 'migration-succeeded',
        message,
        data: { job: jobNames[0], jobs: jobNames, logs },
      },
    );
    return { next: 'wait', ms: 0 };
  }

  private async rollOut(
    claimed: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    // As it is now: applying changes it within this step.
    let deployment = claimed;
    let appliedAt = deployment.result?.appliedAt;
    if (deployment.step !== APPLIED) {
      t.signal.throwIfAborted();
      await t.client.applyObjects(withoutMigrations(t.set.objects));
      appliedAt = new Date().toISOString();
      deployment = await this.mark(
        deployment,
        t,
        'rolling_out',
        {
          type: 'rollout-started',
          message: `Rolling out ${t.service.spec.image}:${deployment.version}`,
        },
        { ...deployment.result, appliedAt },
      );
    }
    const verdict = await this.judge(t, appliedAt);
    if (verdict.state === 'progressing') {
      await this.recordVerdict(deployment, t, verdict);
      return { next: 'wait', ms: POLL_MS };
    }
    if (verdict.state === 'complete') {
      await this.pruneAfter(deployment, t, t.set);
      const reported = await reportSet(t.client, t.set.objects);
      if (reported.length > 0) {
        await this.event(deployment, t, {
          type: 'reported',
          message: reported
            .map(r => `${r.kind} ${r.name}: ${r.health} (${r.message})`)
            .join('; '),
          data: { objects: reported },
        });
      }
      const result: DeploymentResult = {
        ...deployment.result,
        appliedAt,
        verdict: {
          state: 'complete',
          message: verdict.message,
          at: new Date().toISOString(),
        },
        rollout: {
          state: 'complete' as const,
          message: verdict.message,
          completedAt: new Date().toISOString(),
        },
      };
      // A rollback restores a set that already soaked here: the way out of
      // an incident does not hold the channel for another soak.
      if (t.channel.policy.soakSeconds > 0 && !t.set.source.restoredFrom) {
        await this.move(
          deployment,
          t.claim,
          ['rolling_out'],
          'soaking',
          { result },
          {
            type: 'soak-started',
            message: `Rolled out; soaking for ${t.channel.policy.soakSeconds}s before it may be promoted`,
          },
        );
        return { next: 'wait', ms: POLL_MS };
      }
      await this.finish(deployment, t.claim, 'succeeded', {
        message: verdict.message,
        result,
        from: ['rolling_out'],
      });
      return { next: 'done' };
    }
    return this.fail(deployment, t, verdict, ['rolling_out']);
  }

  private async soak(
    judged: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const verdict = await this.judge(t);
    if (verdict.state === 'failed') {
      return this.fail(judged, t, verdict, ['soaking']);
    }
    const deployment = await this.recordVerdict(judged, t, verdict);
    const overBudget = await this.countUnhealthy(deployment, t, verdict);
    if (overBudget) {
      return this.fail(deployment, t, overBudget, ['soaking']);
    }
    // The soak counts from the moment the rollout was judged complete, kept
    // in the result so each poll needs no read of the timeline.
    const soakStart =
      deployment.result?.rollout?.completedAt ?? deployment.startedAt;
    const elapsed = soakStart ? (Date.now() - Date.parse(soakStart)) / 1000 : 0;
    const remaining = t.channel.policy.soakSeconds - elapsed;
    if (remaining > 0 || verdict.state !== 'complete') {
      return {
        next: 'wait',
        ms: Math.min(Math.max(remaining * 1000, POLL_MS), 5000),
      };
    }
    await this.finish(deployment, t.claim, 'succeeded', {
      message: `Soaked for ${t.channel.policy.soakSeconds}s and stayed healthy`,
      from: ['soaking'],
    });
    return { next: 'done' };
  }

  /**
   * Adds up how long the workloads were unhealthy during the soak (kept in
   * the result, so a restart loses none of it); past the channel's budget,
   * the verdict that fails the soak.
   */
  private async countUnhealthy(
    deployment: StoredDeployment,
    t: Target,
    verdict: SetVerdict,
  ): Promise<SetVerdict | undefined> {
    const soak = deployment.result?.soak ?? { unavailableSeconds: 0 };
    const now = Date.now();
    const healthy = verdict.state === 'complete';
    if (healthy && !soak.unhealthySince) {
      return undefined;
    }
    const since = soak.unhealthySince ? Date.parse(soak.unhealthySince) : now;
    const unavailableSeconds = soak.unavailableSeconds + (now - since) / 1000;
    const budget = t.channel.policy.soakUnavailableSeconds;
    if (!healthy && unavailableSeconds > budget) {
      const failed = verdict.objects.find(o => o.state !== 'complete');
      return {
        ...verdict,
        state: 'failed',
        reason: 'SoakUnavailable',
        message: `unhealthy for ${Math.round(
          unavailableSeconds,
        )}s during the soak, over the channel's budget of ${budget}s: ${
          verdict.message
        }`,
        failed,
      };
    }
    if (!healthy && soak.unhealthySince) {
      // Still unhealthy: recorded when it started.
      return undefined;
    }
    await this.mark(
      deployment,
      t,
      'soaking',
      healthy
        ? {
            type: 'soak-recovered',
            message: `Healthy again; unhealthy for ${Math.round(
              unavailableSeconds,
            )}s of the ${budget}s budget so far`,
          }
        : {
            type: 'soak-unhealthy',
            message: `Unhealthy during the soak: ${verdict.message}`,
          },
      {
        ...deployment.result,
        soak: {
          unavailableSeconds: healthy
            ? unavailableSeconds
            : soak.unavailableSeconds,
          unhealthySince: healthy ? undefined : new Date(since).toISOString(),
        },
      },
    );
    return undefined;
  }

  /**
   * Re-applies the set of the channel's last succeeded deployment, exactly
   * as stored: no re-render, no migration.
   */
  private async rollBack(
    claimed: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    // As it is now: applying changes it within this step.
    let deployment = claimed;
    const previous = deployment.previousVersion!;
    const last = await this.options.store.lastSucceeded(
      t.service.name,
      t.channel.name,
    );
    const restored: Target = last
      ? {
          ...t,
          set: await this.setOf(
            last,
            {
              ...t.service,
              spec:
                (await this.options.store.getDeploymentSpec(last.id)) ??
                t.service.spec,
            },
            t.channel,
            t.namespace,
          ),
        }
      : t;
    let appliedAt = deployment.result?.appliedAt;
    if (deployment.step !== APPLIED) {
      if (!last) {
        await this.finish(deployment, t.claim, 'failed', {
          message: `Nothing to roll back to: no deployment of ${t.service.name} has succeeded in ${t.channel.name}`,
          from: ['rolling_back'],
        });
        return { next: 'done' };
      }
      t.signal.throwIfAborted();
      await t.client.applyObjects(withoutMigrations(restored.set.objects));
      appliedAt = new Date().toISOString();
      deployment = await this.mark(
        deployment,
        t,
        'rolling_back',
        {
          type: 'rollback-started',
          message: `Restoring ${last.version}, the set of deployment ${last.id} as it was applied`,
        },
        { ...deployment.result, appliedAt },
      );
    }
    const released = await releaseStuckStatefulSetPods(
      t.client,
      restored.set.objects,
    );
    if (released.length > 0) {
      await this.event(deployment, t, {
        type: 'pods-released',
        message: `Deleted pods stuck on the failed template so their StatefulSet can restore them: ${released.join(
          ', ',
        )}`,
      });
    }
    const verdict = await this.judge(restored, appliedAt);
    if (verdict.state === 'progressing') {
      await this.recordVerdict(deployment, t, verdict);
      return { next: 'wait', ms: POLL_MS };
    }
    const ok = verdict.state === 'complete';
    if (ok) {
      // What the failed set added and the restored one lacks goes too.
      await this.pruneAfter(deployment, restored, t.set);
    }
    await this.finish(deployment, t.claim, ok ? 'rolled_back' : 'failed', {
      message: ok
        ? `Rolled back to ${last?.version ?? previous}, which is healthy again`
        : `Rolling back to ${last?.version ?? previous} failed too: ${
            verdict.message
          }`,
      result: {
        ...deployment.result,
        rollback: {
          state: ok ? 'complete' : 'failed',
          message: verdict.message,
        },
      },
      from: ['rolling_back'],
    });
    return { next: 'done' };
  }

  /**
   * Deletes what left the set once the new one is healthy: objects of the
   * channel's last succeeded set, and of failed sets applied since (left in
   * place, or rolled back), that the set now running lacks.
   */
  private async pruneAfter(
    deployment: StoredDeployment,
    t: Target,
    also?: RenderedSet,
  ) {
    const { store } = this.options;
    const recent = await store.listDeployments({
      service: t.service.name,
      channel: t.channel.name,
      limit: 20,
    });
    const sets: RenderedSet[] = also && also !== t.set ? [also] : [];
    for (const earlier of recent.items) {
      if (earlier.id === deployment.id) {
        continue;
      }
      if (['failed', 'rolled_back', 'succeeded'].includes(earlier.status)) {
        const set = await store.getDeploymentSet(earlier.id);
        if (set) {
          sets.push(set);
        }
      }
      if (earlier.status === 'succeeded') {
        break;
      }
    }
    const candidates = sets.flatMap(set => set.objects);
    if (candidates.length === 0) {
      return;
    }
    const outcome = await pruneObjects(t.client, {
      previous: candidates,
      current: t.set.objects,
      service: t.service.name,
      channel: t.channel.name,
    });
    if (outcome.deleted.length > 0 || outcome.kept.length > 0) {
      await this.event(deployment, t, {
        type: 'pruned',
        message: [
          outcome.deleted.length
            ? `Removed what left the set: ${outcome.deleted.join(', ')}`
            : '',
          outcome.kept.length
            ? `Left in place: ${outcome.kept.join('; ')}`
            : '',
        ]
          .filter(Boolean)
          .join('. '),
        data: { deleted: outcome.deleted, kept: outcome.kept },
      });
    }
  }

  /** A failed rollout: keep the evidence, then roll back if the channel says so. */
  private async fail(
    deployment: StoredDeployment,
    t: Target,
    verdict: SetVerdict,
    from: DeploymentStatus[],
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const { message, reason } = verdict;
    const failed = verdict.failed;
    if (failed?.podSelector) {
      const evidence = await captureEvidence(t.client, {
        kind: 'rollout',
        namespace: t.namespace,
        labelSelector: failed.podSelector,
        podTemplateHash: failed.podTemplateHash,
        // The new ReplicaSet's events too: a quota or pod-security refusal
        // of its pods is told there, with no pod to carry it.
        objectNames: failed.podTemplateHash
          ? [failed.name, `${failed.name}-${failed.podTemplateHash}`]
          : [failed.name],
      });
      await store.addEvidence(deployment.id, evidence, { claim: t.claim });
    }
    const result: DeploymentResult = {
      ...deployment.result,
      verdict: { state: 'failed', message, at: new Date().toISOString() },
      rollout: { state: 'failed', message, reason },
    };
    if (t.channel.policy.autoRollback && deployment.previousVersion) {
      await this.move(
        deployment,
        t.claim,
        from,
        'rolling_back',
        { result },
        {
          type: 'rollout-failed',
          message: `Rollout failed: ${message}. Rolling back to ${
            deployment.previousVersion
          }.${
            deployment.result?.migration?.state === 'succeeded'
              ? ` Its migration ran and is not undone: ${deployment.previousVersion} runs against the new schema.`
              : ''
          }`,
          data: { reason },
        },
      );
      return { next: 'wait', ms: 0 };
    }
    await this.finish(deployment, t.claim, 'failed', {
      message: `Rollout failed: ${message}`,
      result,
      data: { reason },
      from,
    });
    return { next: 'done' };
  }

  /** Judges the set's workloads as they are now. */
  private judge(t: Target, appliedAt?: string): Promise<SetVerdict> {
    return judgeSet(t.client, t.set.objects, {
      crashLoopRestartThreshold: this.options.crashLoopRestartThreshold,
      deadline: appliedAt
        ? {
            since: appliedAt,
            seconds: t.channel.policy.progressDeadlineSeconds,
          }
        : undefined,
    });
  }

  private async jobLogs(
    t: Target,
    job: SetObject,
    pods: V1Pod[],
  ): Promise<string> {
    const container: string =
      job.spec?.template?.spec?.containers?.[0]?.name ?? 'migrate';
    const parts = await Promise.all(
      pods
        .map(p => p.metadata?.name ?? '')
        .filter(Boolean)
        .map(async pod => {
          const text = await t.client
            .readPodLog(t.namespace, pod, container, { tailLines: 200 })
            .catch(e => `(logs unavailable: ${e.message})`);
          return `--- ${pod}\n${text}`;
        }),
    );
    return parts.join('\n');
  }

  /**
   * Records where the deployment is within its status (by default: its
   * objects were applied), with its event, in one write.
   */
  private async mark(
    deployment: StoredDeployment,
    t: Target,
    status: DeploymentStatus,
    event: NewDeploymentEvent,
    result?: DeploymentResult,
    step: string = APPLIED,
  ) {
    const marked = await this.options.store.transition(deployment.id, {
      from: [status],
      to: status,
      step,
      claim: t.claim,
      result,
      event,
    });
    if (!marked) {
      throw new ClaimLostError(
        `deployment ${deployment.id} was moved on by someone else`,
      );
    }
    return {
      ...deployment,
      step,
      result: result ?? deployment.result,
    };
  }

  /**
   * Keeps the judgement of a rollout being judged, when it changed, so the
   * Deploy tab shows the engine's verdict instead of reaching its own.
   * Returns the deployment as it now is.
   */
  private async recordVerdict(
    deployment: StoredDeployment,
    t: Target,
    verdict: SetVerdict,
  ): Promise<StoredDeployment> {
    const seen = deployment.result?.verdict;
    if (seen?.state === verdict.state && seen.message === verdict.message) {
      return deployment;
    }
    const result: DeploymentResult = {
      ...deployment.result,
      verdict: {
        state: verdict.state,
        message: verdict.message,
        at: new Date().toISOString(),
      },
    };
    const kept = await this.options.store.transition(deployment.id, {
      from: [deployment.status],
      to: deployment.status,
      step: deployment.step ?? null,
      claim: t.claim,
      result,
    });
    if (!kept) {
      throw new ClaimLostError(
        `deployment ${deployment.id} was moved on by someone else`,
      );
    }
    return { ...deployment, result };
  }

  /** A timeline event, written only while the claim holds. */
  private async event(
    deployment: StoredDeployment,
    t: Target,
    event: NewDeploymentEvent,
  ) {
    await this.options.store.appendEvent(deployment.id, event, {
      claim: t.claim,
    });
  }

  private async move(
    deployment: StoredDeployment,
    claim: string,
    from: DeploymentStatus[],
    to: DeploymentStatus,
    patch: Omit<DeploymentTransition, 'from' | 'to' | 'claim' | 'event'>,
    event: { type: string; message: string; data?: Record<string, unknown> },
  ) {
    const moved = await this.options.store.transition(deployment.id, {
      ...patch,
      from,
      to,
      claim,
      event,
    });
    if (!moved) {
      // Aborted, or the claim was lost: whoever moved it recorded their own event.
      throw new ClaimLostError(
        `deployment ${deployment.id} was moved on by someone else`,
      );
    }
    await this.notify(deployment.id);
  }

  private async finish(
    deployment: StoredDeployment,
    claim: string,
    to: DeploymentStatus,
    options: {
      message: string;
      result?: DeploymentResult;
      data?: Record<string, unknown>;
      from?: DeploymentStatus[];
    },
  ) {
    await this.move(
      deployment,
      claim,
      options.from ?? [deployment.status],
      to,
      { result: options.result ?? deployment.result },
      { type: to, message: options.message, data: options.data },
    );
  }

  private async notify(id: string) {
    const { listener, store, logger } = this.options;
    if (!listener) return;
    const fresh = await store.getDeployment(id);
    if (fresh) {
      await listener
        .onChange(fresh)
        .catch(e => logger.warn(`Could not announce deployment ${id}: ${e}`));
    }
  }
}

interface Target {
  /** The claim's token: every write applies only while it holds. */
  claim: string;
  /** Aborted when the claim is lost: nothing more is applied. */
  signal: AbortSignal;
  service: Service;
  channel: ReleaseChannel;
  namespace: string;
  client: ClusterClient;
  /** The objects this deployment applies. */
  set: RenderedSet;
}

function describeSource(set: RenderedSet): string {
  const { source } = set;
  if (source.kind === 'generated') {
    return 'generated from the spec';
  }
  return `${source.kind} manifests${
    source.commit ? ` at ${source.commit.slice(0, 12)}` : ''
  }${source.tool ? `, rendered by ${source.tool}` : ''}`;
}
