import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { SET_LABELS } from '../../manifests/stampSet';

/**
 * Deletes what the given services left in a namespace (as cluster admin), so
 * their crash-looping pods do not keep the simulated nodes busy after the
 * test. Best effort: the names are unique to the run.
 */
export async function deleteServiceObjects(options: {
  kubeconfigPath: string;
  namespace: string;
  services: string[];
}): Promise<void> {
  if (options.services.length === 0) {
    return;
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfigPath);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const selection = {
    namespace: options.namespace,
    labelSelector: `${SET_LABELS.service} in (${options.services.join(',')})`,
    propagationPolicy: 'Background',
  };
  await Promise.allSettled([
    apps.deleteCollectionNamespacedDeployment(selection),
    batch.deleteCollectionNamespacedJob(selection),
    core.deleteCollectionNamespacedServiceAccount(selection),
    // Services have no delete-collection verb.
    ...options.services.map(name =>
      core.deleteNamespacedService({ name, namespace: options.namespace }),
    ),
  ]);
}
