import { ClusterClient } from '../kubernetes/ClusterClient';
import { isPodReady } from '../kubernetes/podStates';
import { selectorQuery } from '../kubernetes/labelSelectors';
import { SetObject } from '../manifests/renderedSet';

/**
 * A StatefulSet rolled back to a working template does not replace a pod
 * stuck on the broken one (it waits for that pod to become ready, which it
 * never will): Kubernetes' documented way out is to delete those pods. Does
 * that for each StatefulSet of a restored set, once the controller has seen
 * the restored template; returns the pods deleted.
 */
export async function releaseStuckStatefulSetPods(
  client: ClusterClient,
  objects: SetObject[],
): Promise<string[]> {
  const released: string[] = [];
  for (const object of objects.filter(o => o.kind === 'StatefulSet')) {
    const namespace = object.metadata!.namespace!;
    const live = await client.getObject({
      apiVersion: object.apiVersion!,
      kind: 'StatefulSet',
      namespace,
      name: object.metadata!.name!,
    });
    const revision: string | undefined = live?.status?.updateRevision;
    const selector = selectorQuery(live?.spec?.selector);
    if (
      !live ||
      !revision ||
      !selector ||
      (live.status?.observedGeneration ?? 0) < (live.metadata?.generation ?? 0)
    ) {
      continue;
    }
    for (const pod of await client.listPods(namespace, selector)) {
      const name = pod.metadata?.name;
      if (
        name &&
        pod.metadata?.labels?.['controller-revision-hash'] !== revision &&
        !isPodReady(pod) &&
        !pod.metadata?.deletionTimestamp
      ) {
        await client.deleteObject({
          apiVersion: 'v1',
          kind: 'Pod',
          namespace,
          name,
        });
        released.push(name);
      }
    }
  }
  return released;
}
