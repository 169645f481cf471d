import { evaluateStatefulSet } from './evaluateStatefulSet';
import { PodShape, StatefulSetShape } from './kubernetesShapes';

type Status = NonNullable<StatefulSetShape['status']>;
type Strategy = NonNullable<StatefulSetShape['spec']>['updateStrategy'];

// As the API server returns it: strategy defaulted to RollingUpdate with
// partition 0, three replicas, generation 3 observed.
function statefulSet(
  status: Partial<Status>,
  overrides: {
    generation?: number;
    replicas?: number | null;
    updateStrategy?: Strategy;
  } = {},
): StatefulSetShape {
  return {
    metadata: { name: 'ledger-db', generation: overrides.generation ?? 3 },
    spec: {
      replicas:
        overrides.replicas === null ? undefined : overrides.replicas ?? 3,
      updateStrategy: overrides.updateStrategy ?? {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 0 },
      },
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: 'ledger-db-7c9d8f6b5',
      updateRevision: 'ledger-db-7c9d8f6b5',
      ...status,
    } as Status,
  };
}

// A rolling update without a partition: the revision comparison decides.
const unpartitioned: Strategy = { type: 'RollingUpdate' };

function imagePullBackOffPod(): PodShape {
  return {
    metadata: {
      name: 'ledger-db-2',
      labels: { 'controller-revision-hash': 'ledger-db-5b8f7d9c4' },
    },
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'postgres',
          restartCount: 0,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: 'Back-off pulling image "postgres:99"',
            },
          },
        },
      ],
    },
  };
}

function crashingPod(restartCount: number): PodShape {
  return {
    metadata: { name: 'ledger-db-2' },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'postgres',
          restartCount,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { reason: 'Error', exitCode: 2 } },
        },
      ],
    },
  };
}

describe('evaluateStatefulSet', () => {
  it.each([
    ['OnDelete', 'OnDelete'],
    ['an unknown strategy', 'Manual'],
  ])('is complete but not gated with %s, like kubectl', (_label, strategy) => {
    const verdict = evaluateStatefulSet(
      statefulSet(
        { observedGeneration: 1, readyReplicas: 0 },
        { updateStrategy: { type: strategy } },
      ),
      { pods: [imagePullBackOffPod()] },
    );
    expect(verdict).toEqual({
      state: 'complete',
      reason: 'RolloutNotGated',
      message: `rollout status is only available for RollingUpdate strategy type: ledger-db uses ${strategy}, so its rollout is not gated`,
    });
  });

  it('reads an absent update strategy as RollingUpdate, the default', () => {
    const { metadata, status } = statefulSet({
      updateRevision: 'ledger-db-5b8f7d9c4',
      updatedReplicas: 1,
    });
    expect(
      evaluateStatefulSet({ metadata, spec: { replicas: 3 }, status }),
    ).toEqual({
      state: 'progressing',
      message:
        'waiting for statefulset rolling update to complete 1 pods at revision ledger-db-5b8f7d9c4',
    });
  });

  it.each([
    ['never observed (observedGeneration 0)', { observedGeneration: 0 }, 3],
    ['observedGeneration absent', { observedGeneration: undefined }, 3],
    ['an older generation observed', { observedGeneration: 2 }, 3],
  ])(
    'waits until the controller has observed the spec: %s',
    (_label, status, generation) => {
      expect(
        evaluateStatefulSet(statefulSet(status, { generation }), {
          pods: [imagePullBackOffPod()],
        }),
      ).toEqual({
        state: 'progressing',
        message: 'Waiting for statefulset spec update to be observed',
      });
    },
  );

  it.each<[string, Partial<Status>, Strategy, string]>([
    [
      'pods not ready',
      { readyReplicas: 1, updatedReplicas: 1 },
      undefined,
      'Waiting for 2 pods to be ready',
    ],
    [
      'none ready yet (readyReplicas absent)',
      { readyReplicas: undefined, updatedReplicas: 0 },
      undefined,
      'Waiting for 3 pods to be ready',
    ],
    [
      'partition 0, not all updated',
      { updatedReplicas: 1, updateRevision: 'ledger-db-5b8f7d9c4' },
      undefined,
      'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated',
    ],
    [
      'partition 2, none updated',
      { updatedReplicas: 0, updateRevision: 'ledger-db-5b8f7d9c4' },
      { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated',
    ],
    [
      'rollingUpdate without a partition (read as 0)',
      { updatedReplicas: 2, updateRevision: 'ledger-db-5b8f7d9c4' },
      { type: 'RollingUpdate', rollingUpdate: {} },
      'Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated',
    ],
    [
      'no partition, revisions differ',
      {
        updatedReplicas: 2,
        currentReplicas: 1,
        updateRevision: 'ledger-db-5b8f7d9c4',
      },
      unpartitioned,
      'waiting for statefulset rolling update to complete 2 pods at revision ledger-db-5b8f7d9c4',
    ],
  ])('waits like kubectl: %s', (_label, status, updateStrategy, message) => {
    const verdict = evaluateStatefulSet(
      statefulSet(status, updateStrategy ? { updateStrategy } : {}),
    );
    expect(verdict).toEqual({ state: 'progressing', message });
  });

  it.each<[string, Partial<Status>, Strategy, string]>([
    [
      'partition 0, all updated',
      { updateRevision: 'ledger-db-5b8f7d9c4', currentReplicas: 0 },
      undefined,
      'partitioned roll out complete: 3 new pods have been updated',
    ],
    [
      'partition 2, the one pod above it updated',
      { updatedReplicas: 1, updateRevision: 'ledger-db-5b8f7d9c4' },
      { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      'partitioned roll out complete: 1 new pods have been updated',
    ],
    [
      'partition above the replica count',
      { updatedReplicas: 0, updateRevision: 'ledger-db-5b8f7d9c4' },
      { type: 'RollingUpdate', rollingUpdate: { partition: 5 } },
      'partitioned roll out complete: 0 new pods have been updated',
    ],
    [
      'no partition, revisions equal',
      {},
      unpartitioned,
      'statefulset rolling update complete 3 pods at revision ledger-db-7c9d8f6b5',
    ],
  ])(
    'is complete like kubectl: %s',
    (_label, status, updateStrategy, message) => {
      const verdict = evaluateStatefulSet(
        statefulSet(status, updateStrategy ? { updateStrategy } : {}),
      );
      expect(verdict).toEqual({ state: 'complete', message });
    },
  );

  it('skips the ready and partition counts when spec.replicas is absent, as kubectl does', () => {
    expect(
      evaluateStatefulSet(
        statefulSet(
          { readyReplicas: 0, updatedReplicas: 0 },
          { replicas: null },
        ),
      ),
    ).toEqual({
      state: 'complete',
      message: 'partitioned roll out complete: 0 new pods have been updated',
    });
  });

  it('leaves the revision out of the message when the status has none', () => {
    expect(
      evaluateStatefulSet(
        statefulSet(
          { currentRevision: undefined, updateRevision: undefined },
          { updateStrategy: unpartitioned },
        ),
      ),
    ).toEqual({
      state: 'complete',
      message: 'statefulset rolling update complete 3 pods',
    });
  });

  it('fails early on a pod of the update revision that cannot pull its image', () => {
    const verdict = evaluateStatefulSet(
      statefulSet({
        readyReplicas: 2,
        updatedReplicas: 1,
        updateRevision: 'ledger-db-5b8f7d9c4',
      }),
      { pods: [imagePullBackOffPod()] },
    );
    expect(verdict).toEqual({
      state: 'failed',
      reason: 'ImagePullBackOff',
      message:
        'ImagePullBackOff in pod ledger-db-2: Back-off pulling image "postgres:99"',
      failingPod: {
        pod: 'ledger-db-2',
        container: 'postgres',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "postgres:99"',
        restartCount: 0,
      },
    });
  });

  it('fails early on a crash loop past the threshold, with the exit code', () => {
    const verdict = evaluateStatefulSet(
      statefulSet({ readyReplicas: 2, updatedReplicas: 1 }),
      { pods: [crashingPod(2)], crashLoopRestartThreshold: 2 },
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'CrashLoopBackOff',
      message:
        'CrashLoopBackOff in pod ledger-db-2: container postgres restarted 2 times (last exit: Error, code 2)',
      failingPod: { exitCode: 2, restartCount: 2 },
    });
  });

  it('gives a crash loop below the threshold more time', () => {
    expect(
      evaluateStatefulSet(
        statefulSet({ readyReplicas: 2, updatedReplicas: 1 }),
        { pods: [crashingPod(2)] },
      ),
    ).toEqual({
      state: 'progressing',
      message: 'Waiting for 1 pods to be ready',
    });
  });

  it('does not let a stuck pod fail a rollout that is complete', () => {
    expect(
      evaluateStatefulSet(statefulSet({}), {
        pods: [imagePullBackOffPod()],
      }).state,
    ).toBe('complete');
  });
});
