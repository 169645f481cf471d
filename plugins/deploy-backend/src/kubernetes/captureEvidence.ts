import type { V1Pod } from '@kubernetes/client-node';
import { FailureEvidence } from '@slipway/plugin-deploy-common';
import { ClusterClient } from './ClusterClient';
import { isPodReady, toIsoTime, toPodState } from './podStates';

/** What to capture evidence of. */
export interface CaptureEvidenceOptions {
  kind: FailureEvidence['kind'];
  namespace: string;
  /** Selects the pods, e.g. a service's app pods or a Job's (`job-name=…`). */
  labelSelector: string;
  /** Only the pods of this revision (the new ReplicaSet's pod-template-hash). */
  podTemplateHash?: string;
  /** Events about these objects too (the Deployment, the Job), besides the pods'. */
  objectNames?: string[];
}

/** Enough of a log to see why it crashed, small enough to store with every failure. */
const LOG_TAIL_LINES = 200;
/** A big Deployment fails the same way in every pod; a few tell the story. */
const MAX_PODS = 10;

/**
 * Captures why pods failed while they still exist: their containers' states
 * and exit codes, the logs of the current and the crashed previous container,
 * and the events about them. Best effort: a pod that vanishes or a log that
 * can't be read leaves a gap, not a failed capture.
 */
export async function captureEvidence(
  client: ClusterClient,
  options: CaptureEvidenceOptions,
): Promise<FailureEvidence> {
  const { namespace } = options;
  const selector = options.podTemplateHash
    ? `${options.labelSelector},pod-template-hash=${options.podTemplateHash}`
    : options.labelSelector;
  const pods = (await client.listPods(namespace, selector))
    // Unhealthy pods first: they are the evidence.
    .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))
    .slice(0, MAX_PODS);

  const [capturedPods, events] = await Promise.all([
    Promise.all(pods.map(pod => capturePod(client, namespace, pod))),
    client.listEvents(namespace, [
      ...pods.map(p => p.metadata?.name ?? ''),
      ...(options.objectNames ?? []),
    ]),
  ]);

  return {
    kind: options.kind,
    capturedAt: new Date().toISOString(),
    pods: capturedPods,
    events: events.map(event => ({
      reason: event.reason ?? '',
      message: event.message ?? '',
      type: event.type ?? '',
      object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
      ...(event.count !== undefined && { count: event.count }),
      ...(eventLastSeen(event) && { lastSeen: eventLastSeen(event) }),
    })),
  };
}

async function capturePod(
  client: ClusterClient,
  namespace: string,
  pod: V1Pod,
): Promise<FailureEvidence['pods'][number]> {
  const state = toPodState(pod);
  const readLog = (container: string, previous: boolean) =>
    client
      .readPodLog(namespace, state.name, container, {
        previous,
        tailLines: LOG_TAIL_LINES,
      })
      // The pod may be gone by now, or the container not started yet.
      .catch(() => undefined);

  const containers = await Promise.all(
    state.containers.map(async container => {
      const [logs, previousLogs] = await Promise.all([
        readLog(container.name, false),
        container.restartCount > 0
          ? readLog(container.name, true)
          : Promise.resolve(undefined),
      ]);
      return {
        ...container,
        ...(logs && { logs }),
        ...(previousLogs && { previousLogs }),
      };
    }),
  );
  return { name: state.name, containers };
}

function eventLastSeen(event: {
  lastTimestamp?: Date;
  eventTime?: Date;
  firstTimestamp?: Date;
}): string | undefined {
  return toIsoTime(
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp,
  );
}
