import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Deployment,
  DeploymentResult,
  DeploymentStatus,
  ReleaseChannel,
  RolloutVerdict,
  Service,
  evaluateJob,
  evaluateRollout,
} from '@slipway/plugin-deploy-common';
import {
  DeploymentStore,
  DeploymentTransition,
  StoredDeployment,
} from '../database/DeploymentStore';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { captureEvidence } from '../kubernetes/captureEvidence';
import {
  VERSION_ANNOTATION,
  appPodSelector,
  formatLabelSelector,
  renderMigrationJob,
  renderServiceObjects,
  resolveNamespace,
} from '../kubernetes/renderServiceObjects';

/** What the worker does after a step: come back later, or stop. */
export type StepOutcome = { next: 'wait'; ms: number } | { next: 'done' };

/** Step names stored in `deployments.step`, so a resumed run skips work already done. */
const APPLIED = 'applied';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

const POLL_MS = 1000;

/** Tells open pages and the owning team that a deployment changed. */
export interface DeploymentListener {
  onChange(deployment: Deployment): Promise<void>;
}

/**
 * Advances one deployment by one step of its life (DESIGN.md, "A deployment's
 * life"). Every step is idempotent and every status change a conditional
 * update, so a step repeated after a crash, or raced by a second replica,
 * changes nothing twice.
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
    workerId: string,
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const service = await store.getService(deployment.service);
    const channel = this.options.channels.find(
      c => c.name === deployment.channel,
    );
    if (!service || !channel) {
      await this.finish(deployment, workerId, 'failed', {
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
    const target: Target = {
      workerId,
      service: { ...service, spec },
      channel,
      namespace: resolveNamespace(channel.namespacePattern, {
        service: service.name,
        channel: channel.name,
      }),
      client: this.options.clusterFor(channel.cluster),
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

  private async start(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const running = await t.client.getDeployment(t.namespace, t.service.name);
    const previousVersion =
      running?.metadata?.annotations?.[VERSION_ANNOTATION];
    const to: DeploymentStatus = t.service.spec.migration
      ? 'migrating'
      : 'rolling_out';
    await this.move(
      deployment,
      t.workerId,
      ['requested'],
      to,
      {
        startedAt: new Date().toISOString(),
        previousVersion,
      },
      {
        type: 'started',
        message: previousVersion
          ? `Deploying ${deployment.version} to ${t.channel.name}, replacing ${previousVersion}`
          : `Deploying ${deployment.version} to ${t.channel.name}, its first version there`,
      },
    );
    return { next: 'wait', ms: 0 };
  }

  private async migrate(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const job = renderMigrationJob(
      t.service,
      t.channel,
      t.namespace,
      deployment.version,
      deployment.id,
    );
    const jobName = job.metadata!.name!;
    if (deployment.step !== APPLIED) {
      // The Service and ServiceAccount may be created now; the Deployment is
      // not touched until the migration has succeeded.
      const objects = renderServiceObjects(
        t.service,
        t.channel,
        t.namespace,
        deployment.previousVersion ?? deployment.version,
        deployment.id,
      ).filter(o => o.kind !== 'Deployment');
      await t.client.applyObjects(objects);
      await t.client.createJob(job);
      await store.transition(deployment.id, {
        from: ['migrating'],
        to: 'migrating',
        step: APPLIED,
        workerId: t.workerId,
      });
      await store.appendEvent(deployment.id, {
        type: 'migration-started',
        message: `Running migration Job ${jobName} with ${t.service.spec.image}:${deployment.version}`,
        data: { job: jobName },
      });
    }
    const current = await t.client.getJob(t.namespace, jobName);
    if (!current) {
      // Deleted by someone else: create it again on the next step.
      await store.transition(deployment.id, {
        from: ['migrating'],
        to: 'migrating',
        workerId: t.workerId,
      });
      return { next: 'wait', ms: POLL_MS };
    }
    const pods = await t.client.listPods(t.namespace, `job-name=${jobName}`);
    const verdict = evaluateJob(current, pods);
    if (verdict.state === 'running') {
      return { next: 'wait', ms: POLL_MS };
    }
    const logs = await this.jobLogs(
      t,
      pods.map(p => p.metadata?.name ?? ''),
    );
    if (verdict.state === 'succeeded') {
      await this.move(
        deployment,
        t.workerId,
        ['migrating'],
        'rolling_out',
        {
          result: {
            ...deployment.result,
            migration: {
              state: 'succeeded',
              message: verdict.message,
              job: jobName,
            },
          },
        },
        {
          type: 'migration-succeeded',
          message: verdict.message,
          data: { job: jobName, logs },
        },
      );
      return { next: 'wait', ms: 0 };
    }
    const evidence = await captureEvidence(t.client, {
      kind: 'migration',
      namespace: t.namespace,
      labelSelector: `job-name=${jobName}`,
      objectNames: [jobName],
    });
    await store.addEvidence(deployment.id, evidence);
    await this.finish(deployment, t.workerId, 'failed', {
      message: `Migration failed: ${verdict.message}. The running version was not changed.`,
      result: {
        migration: { state: 'failed', message: verdict.message, job: jobName },
      },
      data: { job: jobName, logs },
      from: ['migrating'],
    });
    return { next: 'done' };
  }

  private async rollOut(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    if (deployment.step !== APPLIED) {
      await this.applyVersion(t, deployment.version, deployment.id);
      await this.options.store.transition(deployment.id, {
        from: ['rolling_out'],
        to: 'rolling_out',
        step: APPLIED,
        workerId: t.workerId,
      });
      await this.options.store.appendEvent(deployment.id, {
        type: 'rollout-started',
        message: `Rolling out ${t.service.spec.image}:${deployment.version}`,
      });
    }
    const verdict = await this.judge(t);
    if (verdict.state === 'progressing') {
      return { next: 'wait', ms: POLL_MS };
    }
    if (verdict.state === 'complete') {
      const result = {
        ...deployment.result,
        rollout: {
          state: 'complete' as const,
          message: verdict.message,
          completedAt: new Date().toISOString(),
        },
      };
      if (t.channel.policy.soakSeconds > 0) {
        await this.move(
          deployment,
          t.workerId,
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
      await this.finish(deployment, t.workerId, 'succeeded', {
        message: verdict.message,
        result,
        from: ['rolling_out'],
      });
      return { next: 'done' };
    }
    return this.fail(deployment, t, verdict, ['rolling_out']);
  }

  private async soak(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const verdict = await this.judge(t);
    if (verdict.state === 'failed') {
      return this.fail(deployment, t, verdict, ['soaking']);
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
    await this.finish(deployment, t.workerId, 'succeeded', {
      message: `Soaked for ${t.channel.policy.soakSeconds}s and stayed healthy`,
      from: ['soaking'],
    });
    return { next: 'done' };
  }

  private async rollBack(
    deployment: StoredDeployment,
    t: Target,
  ): Promise<StepOutcome> {
    const previous = deployment.previousVersion!;
    if (deployment.step !== APPLIED) {
      // Restore the previous version as it last succeeded here, with its spec.
      const last = await this.options.store.lastSucceeded(
        t.service.name,
        t.channel.name,
      );
      const previousSpec =
        last?.version === previous
          ? await this.options.store.getDeploymentSpec(last.id)
          : undefined;
      await this.applyVersion(
        previousSpec
          ? { ...t, service: { ...t.service, spec: previousSpec } }
          : t,
        previous,
        deployment.id,
      );
      await this.options.store.transition(deployment.id, {
        from: ['rolling_back'],
        to: 'rolling_back',
        step: APPLIED,
        workerId: t.workerId,
      });
      await this.options.store.appendEvent(deployment.id, {
        type: 'rollback-started',
        message: `Restoring ${previous}`,
      });
    }
    const verdict = await this.judge(t);
    if (verdict.state === 'progressing') {
      return { next: 'wait', ms: POLL_MS };
    }
    const ok = verdict.state === 'complete';
    await this.finish(deployment, t.workerId, ok ? 'rolled_back' : 'failed', {
      message: ok
        ? `Rolled back to ${previous}, which is healthy again`
        : `Rolling back to ${previous} failed too: ${verdict.message}`,
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

  /** A failed rollout: keep the evidence, then roll back if the channel says so. */
  private async fail(
    deployment: StoredDeployment,
    t: Target,
    verdict: { message: string; reason?: string; podTemplateHash?: string },
    from: DeploymentStatus[],
  ): Promise<StepOutcome> {
    const { store } = this.options;
    const { message, reason } = verdict;
    const evidence = await captureEvidence(t.client, {
      kind: 'rollout',
      namespace: t.namespace,
      labelSelector: formatLabelSelector(
        appPodSelector(t.service.name, t.channel.name),
      ),
      podTemplateHash: verdict.podTemplateHash,
      objectNames: [t.service.name],
    });
    await store.addEvidence(deployment.id, evidence);
    const result: DeploymentResult = {
      ...deployment.result,
      rollout: { state: 'failed', message, reason },
    };
    if (t.channel.policy.autoRollback && deployment.previousVersion) {
      await this.move(
        deployment,
        t.workerId,
        from,
        'rolling_back',
        { result },
        {
          type: 'rollout-failed',
          message: `Rollout failed: ${message}. Rolling back to ${deployment.previousVersion}.`,
          data: { reason },
        },
      );
      return { next: 'wait', ms: 0 };
    }
    await this.finish(deployment, t.workerId, 'failed', {
      message: `Rollout failed: ${message}`,
      result,
      data: { reason },
      from,
    });
    return { next: 'done' };
  }

  private async applyVersion(t: Target, version: string, deploymentId: string) {
    await t.client.applyObjects(
      renderServiceObjects(
        t.service,
        t.channel,
        t.namespace,
        version,
        deploymentId,
      ),
    );
  }

  /** Judges the Deployment from its status and the pods of its newest revision. */
  private async judge(
    t: Target,
  ): Promise<RolloutVerdict & { podTemplateHash?: string }> {
    const current = await t.client.getDeployment(t.namespace, t.service.name);
    if (!current) {
      return {
        state: 'failed',
        message: `Deployment ${t.service.name} is missing from ${t.namespace}`,
        reason: 'Missing',
      };
    }
    const selector = formatLabelSelector(
      appPodSelector(t.service.name, t.channel.name),
    );
    const revision = current.metadata?.annotations?.[REVISION_ANNOTATION];
    const replicaSets = await t.client.listReplicaSets(t.namespace, selector);
    const newest = replicaSets.find(
      rs =>
        revision !== undefined &&
        rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision,
    );
    const podTemplateHash = newest?.metadata?.labels?.['pod-template-hash'];
    const pods = podTemplateHash
      ? await t.client.listPods(
          t.namespace,
          `${selector},pod-template-hash=${podTemplateHash}`,
        )
      : [];
    const verdict = evaluateRollout(current, {
      pods,
      crashLoopRestartThreshold: this.options.crashLoopRestartThreshold,
    });
    return { ...verdict, podTemplateHash };
  }

  private async jobLogs(t: Target, pods: string[]): Promise<string> {
    const parts = await Promise.all(
      pods.filter(Boolean).map(async pod => {
        const text = await t.client
          .readPodLog(t.namespace, pod, 'migrate', { tailLines: 200 })
          .catch(e => `(logs unavailable: ${e.message})`);
        return `--- ${pod}\n${text}`;
      }),
    );
    return parts.join('\n');
  }

  private async move(
    deployment: StoredDeployment,
    workerId: string,
    from: DeploymentStatus[],
    to: DeploymentStatus,
    patch: Omit<DeploymentTransition, 'from' | 'to' | 'workerId'>,
    event: { type: string; message: string; data?: Record<string, unknown> },
  ) {
    const { store } = this.options;
    const moved = await store.transition(deployment.id, {
      ...patch,
      from,
      to,
      workerId,
    });
    if (!moved) {
      // Cancelled, or the claim was lost: whoever moved it records their own event.
      return;
    }
    await store.appendEvent(deployment.id, event);
    await this.notify(deployment.id);
  }

  private async finish(
    deployment: StoredDeployment,
    workerId: string,
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
      workerId,
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
  workerId: string;
  service: Service;
  channel: ReleaseChannel;
  namespace: string;
  client: ClusterClient;
}
