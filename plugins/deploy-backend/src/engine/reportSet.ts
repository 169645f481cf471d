import { evaluateReportedHealth } from '@slipway/plugin-deploy-common';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { SetObject } from '../manifests/renderedSet';

/** Kinds whose health is reported when a rollout completes, never gating it. */
const REPORTED_KINDS = new Set([
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
]);

/** One reported object: `HorizontalPodAutoscaler web: Healthy — …`. */
export interface ReportedObject {
  kind: string;
  name: string;
  health: string;
  message: string;
}

/**
 * The health of a set's autoscalers, disruption budgets and ingresses as
 * they are now, for the timeline: they do not gate a rollout (an ingress
 * controller may never publish an address), but people should see them.
 */
export async function reportSet(
  client: ClusterClient,
  objects: SetObject[],
): Promise<ReportedObject[]> {
  const reported: ReportedObject[] = [];
  for (const object of objects.filter(o => REPORTED_KINDS.has(o.kind ?? ''))) {
    const live = await client.getObject({
      apiVersion: object.apiVersion!,
      kind: object.kind!,
      namespace: object.metadata?.namespace,
      name: object.metadata!.name!,
    });
    const health =
      live && evaluateReportedHealth({ ...live, kind: object.kind });
    reported.push({
      kind: object.kind!,
      name: object.metadata!.name!,
      health: health?.health ?? 'Missing',
      message: health?.message ?? 'not found in the cluster',
    });
  }
  return reported;
}
