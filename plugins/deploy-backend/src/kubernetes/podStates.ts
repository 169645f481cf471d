import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ContainerState, PodState } from '@slipway/plugin-deploy-common';
import { VERSION_ANNOTATION } from './serviceObjects/slipwayLabels';
import { versionOfImage } from './serviceObjects/imageReference';

/**
 * A timestamp as ISO text. Objects from list calls carry Dates, objects from
 * watch events carry the API's strings; informer caches hold both.
 */
export function toIsoTime(time: Date | string | undefined): string | undefined {
  if (time === undefined || time === null) {
    return undefined;
  }
  return time instanceof Date ? time.toISOString() : String(time);
}

/** A container's status as the Deploy tab and the evidence show it. */
export function toContainerState(status: V1ContainerStatus): ContainerState {
  const { running, waiting, terminated } = status.state ?? {};
  const last = status.lastState?.terminated;
  const current: Pick<
    ContainerState,
    'state' | 'reason' | 'message' | 'exitCode'
  > = (terminated && {
    state: 'terminated',
    reason: terminated.reason,
    message: terminated.message,
    exitCode: terminated.exitCode,
  }) ||
    (waiting && {
      state: 'waiting',
      reason: waiting.reason,
      message: waiting.message,
    }) ||
    (running && { state: 'running' }) || { state: 'unknown' };
  return {
    name: status.name,
    image: status.image,
    ready: status.ready,
    restartCount: status.restartCount,
    ...withoutUndefined(current),
    ...(last && {
      lastTerminated: withoutUndefined({
        reason: last.reason,
        exitCode: last.exitCode,
        finishedAt: toIsoTime(last.finishedAt),
      }),
    }),
  };
}

/** A pod with its containers (init containers first), as the Deploy tab shows it. */
export function toPodState(pod: V1Pod): PodState {
  const version =
    pod.metadata?.annotations?.[VERSION_ANNOTATION] ??
    versionOfImage(pod.spec?.containers[0]?.image ?? '');
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ...(version && { version }),
    ready: isPodReady(pod),
    containers: [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ].map(toContainerState),
  };
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
