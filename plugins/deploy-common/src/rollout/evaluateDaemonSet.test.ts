import { evaluateDaemonSet } from './evaluateDaemonSet';
import { DaemonSetShape, PodShape } from './kubernetesShapes';

type Status = NonNullable<DaemonSetShape['status']>;

// As the API server returns it: RollingUpdate, four nodes, generation 2
// observed and every pod on it.
function daemonSet(
  status: Partial<Status>,
  overrides: { generation?: number; strategy?: string } = {},
): DaemonSetShape {
  return {
    metadata: {
      name: 'log-shipper',
      generation: overrides.generation ?? 2,
      annotations: { 'deprecated.daemonset.template.generation': '2' },
    },
    spec: { updateStrategy: { type: overrides.strategy ?? 'RollingUpdate' } },
    status: {
      observedGeneration: 2,
      currentNumberScheduled: 4,
      desiredNumberScheduled: 4,
      numberMisscheduled: 0,
      numberReady: 4,
      numberAvailable: 4,
      updatedNumberScheduled: 4,
      ...status,
    } as Status,
  };
}

function configErrorPod(): PodShape {
  return {
    metadata: {
      name: 'log-shipper-x7k2p',
      labels: { 'pod-template-generation': '2' },
    },
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'shipper',
          restartCount: 0,
          state: {
            waiting: {
              reason: 'CreateContainerConfigError',
              message: 'secret "shipper-token" not found',
            },
          },
        },
      ],
    },
  };
}

describe('evaluateDaemonSet', () => {
  it('is complete but not gated with OnDelete, like kubectl', () => {
    expect(
      evaluateDaemonSet(
        daemonSet({ updatedNumberScheduled: 0 }, { strategy: 'OnDelete' }),
        { pods: [configErrorPod()] },
      ),
    ).toEqual({
      state: 'complete',
      reason: 'RolloutNotGated',
      message:
        'rollout status is only available for RollingUpdate strategy type: log-shipper uses OnDelete, so its rollout is not gated',
    });
  });

  it('reads an absent update strategy as RollingUpdate, the default', () => {
    const ds = daemonSet({ updatedNumberScheduled: 1 });
    delete ds.spec;
    expect(evaluateDaemonSet(ds).state).toBe('progressing');
  });

  it.each([
    ['an older generation observed', { observedGeneration: 1 }],
    ['nothing observed yet', { observedGeneration: undefined }],
  ])('waits until the controller has observed the spec: %s', (_l, status) => {
    expect(
      evaluateDaemonSet(daemonSet(status), { pods: [configErrorPod()] }),
    ).toEqual({
      state: 'progressing',
      message: 'Waiting for daemon set spec update to be observed',
    });
  });

  it.each<[string, Partial<Status>, string]>([
    [
      'pods not yet updated',
      { updatedNumberScheduled: 1, numberAvailable: 4 },
      'Waiting for daemon set "log-shipper" rollout to finish: 1 out of 4 new pods have been updated',
    ],
    [
      'no pod updated (updatedNumberScheduled absent)',
      { updatedNumberScheduled: undefined },
      'Waiting for daemon set "log-shipper" rollout to finish: 0 out of 4 new pods have been updated',
    ],
    [
      'updated pods not yet available',
      { numberAvailable: 3, numberReady: 3 },
      'Waiting for daemon set "log-shipper" rollout to finish: 3 of 4 updated pods are available',
    ],
    [
      'none available (numberAvailable absent)',
      { numberAvailable: undefined },
      'Waiting for daemon set "log-shipper" rollout to finish: 0 of 4 updated pods are available',
    ],
  ])('waits like kubectl: %s', (_label, status, message) => {
    expect(evaluateDaemonSet(daemonSet(status))).toEqual({
      state: 'progressing',
      message,
    });
  });

  it.each<[string, Partial<Status>]>([
    ['every pod updated and available', {}],
    [
      'no node to run on',
      {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
        numberAvailable: undefined,
        updatedNumberScheduled: undefined,
      },
    ],
  ])('is complete like kubectl: %s', (_label, status) => {
    expect(evaluateDaemonSet(daemonSet(status))).toEqual({
      state: 'complete',
      message: 'daemon set "log-shipper" successfully rolled out',
    });
  });

  it.each<[string, Partial<Status>]>([
    ['while pods are being updated', { updatedNumberScheduled: 1 }],
    ['while updated pods become available', { numberAvailable: 3 }],
  ])('fails early on a pod that cannot start, %s', (_label, status) => {
    expect(
      evaluateDaemonSet(daemonSet(status), { pods: [configErrorPod()] }),
    ).toMatchObject({
      state: 'failed',
      reason: 'CreateContainerConfigError',
      message:
        'CreateContainerConfigError in pod log-shipper-x7k2p: secret "shipper-token" not found',
      failingPod: { pod: 'log-shipper-x7k2p', container: 'shipper' },
    });
  });

  it('does not let a stuck pod fail a rollout that is complete', () => {
    expect(
      evaluateDaemonSet(daemonSet({}), { pods: [configErrorPod()] }).state,
    ).toBe('complete');
  });
});
