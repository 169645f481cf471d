import { BatchV1Api, KubeConfig, V1Job, Watch } from '@kubernetes/client-node';
import { SET_LABELS } from '../../manifests/stampSet';

/**
 * The migration Jobs of some services as the API server saw them created:
 * the uids per deployment, from a watch (as cluster admin) kept open for the
 * whole test. A Job created, deleted and created again would show two uids,
 * which a list at the end cannot see.
 */
export class MigrationJobLog {
  private readonly uids = new Map<string, Set<string>>();
  /** Deployments whose Job still existed when the log stopped. */
  private readonly remaining = new Set<string>();
  private watch?: AbortController;
  private stopped = false;

  private constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly namespace: string,
    private readonly labelSelector: string,
  ) {}

  /** Starts watching the Jobs of `services` in `namespace`. */
  static async start(options: {
    kubeconfigPath: string;
    namespace: string;
    services: string[];
  }): Promise<MigrationJobLog> {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(options.kubeconfigPath);
    const log = new MigrationJobLog(
      kubeConfig,
      options.namespace,
      `${SET_LABELS.service} in (${options.services.join(',')})`,
    );
    await log.open();
    return log;
  }

  /** Stops the watch, then adds what a last list shows (a watch may lag). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.abort();
    const jobs = await this.kubeConfig
      .makeApiClient(BatchV1Api)
      .listNamespacedJob({
        namespace: this.namespace,
        labelSelector: this.labelSelector,
      });
    for (const job of jobs.items) {
      this.record(job);
      this.remaining.add(job.metadata?.labels?.[SET_LABELS.deployment] ?? '');
    }
  }

  /** Whether a deployment's Job was still there at the end (after {@link stop}). */
  remains(deploymentId: string): boolean {
    return this.remaining.has(deploymentId);
  }

  /** The uids of the Jobs created for a deployment. */
  uidsOf(deploymentId: string): string[] {
    return [...(this.uids.get(deploymentId) ?? [])];
  }

  /** Deployments with more than one Job created: each is a migration run twice. */
  duplicates(): Array<{ deploymentId: string; uids: string[] }> {
    return [...this.uids]
      .filter(([, uids]) => uids.size > 1)
      .map(([deploymentId, uids]) => ({ deploymentId, uids: [...uids] }));
  }

  private record(job: V1Job) {
    const deploymentId = job.metadata?.labels?.[SET_LABELS.deployment];
    const uid = job.metadata?.uid;
    if (deploymentId && uid) {
      const uids = this.uids.get(deploymentId) ?? new Set();
      uids.add(uid);
      this.uids.set(deploymentId, uids);
    }
  }

  // A watch ends now and then (server timeout, lost connection): open it
  // again. Its first events replay the Jobs that exist, which the sets absorb.
  private async open(): Promise<void> {
    this.watch = await new Watch(this.kubeConfig).watch(
      `/apis/batch/v1/namespaces/${this.namespace}/jobs`,
      { labelSelector: this.labelSelector },
      (phase, job: V1Job) => {
        if (phase === 'ADDED' || phase === 'MODIFIED') {
          this.record(job);
        }
      },
      () => {
        if (!this.stopped) {
          setTimeout(() => this.open().catch(() => undefined), 500);
        }
      },
    );
  }
}
