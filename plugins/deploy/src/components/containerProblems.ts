import { ContainerState, PodState } from '@slipway/plugin-deploy-common';

// Waiting reasons of a container that is simply starting, not failing.
const STARTING_REASONS = ['ContainerCreating', 'PodInitializing'];

// An init container that ran to its end: done, not failing.
function hasCompleted(container: ContainerState): boolean {
  return container.state === 'terminated' && container.exitCode === 0;
}

/** Whether a container needs the on-call engineer's attention. */
export function isFailingContainer(container: ContainerState): boolean {
  if (container.ready) {
    return false;
  }
  if (container.state === 'terminated') {
    return !hasCompleted(container);
  }
  if (container.state === 'waiting') {
    return (
      !STARTING_REASONS.includes(container.reason ?? 'ContainerCreating') ||
      container.restartCount > 0
    );
  }
  return container.restartCount > 0;
}

/**
 * The container of a pod whose logs explain its state: the first failing one
 * (whatever its name: a sidecar, an init container, the app), else the first
 * not ready, else the one running the pod's version, else the first.
 */
export function problemContainerOf(pod: PodState): ContainerState | undefined {
  const { containers } = pod;
  return (
    containers.find(isFailingContainer) ??
    containers.find(c => !c.ready && !hasCompleted(c)) ??
    containers.find(
      c => pod.version !== undefined && c.image.endsWith(`:${pod.version}`),
    ) ??
    containers[0]
  );
}
