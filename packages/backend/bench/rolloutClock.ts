import { V1Deployment, Watch } from '@kubernetes/client-node';
import { ApiServer } from './apiServer';

const VERSION_ANNOTATION = 'slipway.dev/version';

/** When the API server had a version of a Deployment written, and complete. */
export interface RolloutTimes {
  written?: number;
  complete?: number;
}

/**
 * Watches Slipway's Deployments as an administrator and notes, per
 * namespace/name/version, when the API server first showed the version
 * written and when it first showed its rollout complete by kubectl's rules
 * (observed generation, every replica updated and available, no old ones).
 * Watch events arrive within milliseconds of the write on loopback.
 */
export class RolloutClock {
  private readonly times = new Map<string, RolloutTimes>();
  private readonly aborts: Array<{ abort(): void }> = [];

  static async start(apiServer: ApiServer, namespaces: string[]) {
    const clock = new RolloutClock();
    const watch = new Watch(apiServer.kubeConfig());
    for (const namespace of namespaces) {
      clock.aborts.push(
        await watch.watch(
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          { labelSelector: 'app.kubernetes.io/managed-by=slipway' },
          (_type, deployment: V1Deployment) => clock.observe(deployment),
          () => undefined,
        ),
      );
    }
    return clock;
  }

  get(namespace: string, name: string, version: string): RolloutTimes {
    return this.times.get(`${namespace}/${name}/${version}`) ?? {};
  }

  stop() {
    this.aborts.forEach(a => a.abort());
  }

  private observe(deployment: V1Deployment) {
    const now = performance.timeOrigin + performance.now();
    const version = deployment.metadata?.annotations?.[VERSION_ANNOTATION];
    if (!version) return;
    const key = `${deployment.metadata!.namespace}/${
      deployment.metadata!.name
    }/${version}`;
    const times = this.times.get(key) ?? {};
    times.written ??= now;
    const desired = deployment.spec?.replicas ?? 1;
    const s = deployment.status ?? {};
    const complete =
      (s.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
      (s.updatedReplicas ?? 0) === desired &&
      (s.replicas ?? 0) === desired &&
      (s.availableReplicas ?? 0) === desired;
    if (complete) times.complete ??= now;
    this.times.set(key, times);
  }
}
