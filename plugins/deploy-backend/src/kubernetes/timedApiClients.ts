import {
  Configuration,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  createConfiguration,
} from '@kubernetes/client-node';

/** Time limits of calls to a cluster, unless configured (deploy.kubernetes). */
export const DEFAULT_TIMEOUTS = {
  requestTimeoutMs: 20_000,
  /** Reading a pod's log may take longer than a small object. */
  logTimeoutMs: 60_000,
};

/** How long calls to a cluster may take, in ms. */
export type KubernetesTimeouts = typeof DEFAULT_TIMEOUTS;

/**
 * The client-node configuration `KubeConfig.makeApiClient` would build, plus
 * a middleware that aborts every request after `timeoutMs`, answer body
 * included. client-node sets no time limit of its own, so a black-holed API
 * server (TCP accepted, nothing answered) would hang a call forever; the
 * abort closes the connection instead of merely abandoning the promise.
 */
export function timedConfiguration(
  kubeConfig: KubeConfig,
  timeoutMs: number,
): Configuration {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new Error('The kubeconfig has no current cluster');
  }
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [
      {
        pre: async context => {
          context.setSignal(AbortSignal.timeout(timeoutMs));
          return context;
        },
        post: async context => context,
      },
    ],
  });
}

/** A {@link KubernetesObjectApi} over a {@link timedConfiguration}. */
export class TimedObjectApi extends KubernetesObjectApi {
  constructor(kubeConfig: KubeConfig, timeoutMs: number) {
    super(timedConfiguration(kubeConfig, timeoutMs));
    // As KubernetesObjectApi.makeApiClient does: a namespaced object without
    // a namespace goes to the context's.
    this.setDefaultNamespace(kubeConfig);
  }
}
