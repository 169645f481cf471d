import { PodState } from '@slipway/plugin-deploy-common';
import { crashingPod, makeChannelStatus } from '../__testUtils__/fixtures';
import { isFailingContainer, problemContainerOf } from './containerProblems';

const healthyPod = makeChannelStatus().pods[0];
const base = healthyPod.containers[0];

describe('isFailingContainer', () => {
  it('does not count a starting container as failing', () => {
    expect(
      isFailingContainer({
        ...base,
        ready: false,
        state: 'waiting',
        reason: 'ContainerCreating',
      }),
    ).toBe(false);
    expect(
      isFailingContainer({
        ...base,
        ready: false,
        state: 'waiting',
        reason: 'ImagePullBackOff',
      }),
    ).toBe(true);
  });

  it('does not count an init container that completed as failing', () => {
    expect(
      isFailingContainer({
        ...base,
        name: 'wait-for-db',
        ready: false,
        state: 'terminated',
        reason: 'Completed',
        exitCode: 0,
      }),
    ).toBe(false);
    expect(
      isFailingContainer({
        ...base,
        ready: false,
        state: 'terminated',
        reason: 'Error',
        exitCode: 1,
      }),
    ).toBe(true);
  });
});

describe('problemContainerOf', () => {
  const sidecar = { ...base, name: 'proxy', image: 'envoy:1.30' };
  const initDone = {
    ...base,
    name: 'wait-for-db',
    image: 'busybox:1.36',
    ready: false,
    state: 'terminated' as const,
    reason: 'Completed',
    exitCode: 0,
  };

  it('picks the failing container, whatever its name', () => {
    const worker = { ...crashingPod.containers[0], name: 'worker' };
    const pod: PodState = {
      ...crashingPod,
      containers: [initDone, sidecar, worker],
    };
    expect(problemContainerOf(pod)?.name).toBe('worker');
  });

  it('picks a container that is not ready yet over the others', () => {
    const pulling = {
      ...base,
      name: 'queue',
      ready: false,
      state: 'waiting' as const,
      reason: 'ContainerCreating',
    };
    const pod: PodState = {
      ...healthyPod,
      containers: [initDone, sidecar, pulling],
    };
    expect(problemContainerOf(pod)?.name).toBe('queue');
  });

  it("picks the container running the pod's version when all is well", () => {
    const pod: PodState = {
      ...healthyPod,
      containers: [initDone, sidecar, { ...base, name: 'web' }],
    };
    expect(problemContainerOf(pod)?.name).toBe('web');
  });
});
