import { evaluateRollout } from './evaluateRollout';
import { DeploymentShape, PodShape } from './kubernetesShapes';

function deployment(
  status: NonNullable<DeploymentShape['status']>,
  overrides: { generation?: number; replicas?: number; revision?: string } = {},
): DeploymentShape {
  return {
    metadata: {
      name: 'checkout',
      generation: overrides.generation ?? 2,
      annotations: {
        'deployment.kubernetes.io/revision': overrides.revision ?? '2',
      },
    },
    spec: { replicas: overrides.replicas ?? 3 },
    status: { observedGeneration: 2, ...status },
  };
}

function crashingPod(restartCount: number): PodShape {
  return {
    metadata: { name: 'checkout-abc' },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          restartCount,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
          },
          lastState: { terminated: { reason: 'Error', exitCode: 1 } },
        },
      ],
    },
  };
}

describe('evaluateRollout', () => {
  it('waits until the controller has observed the new spec', () => {
    const verdict = evaluateRollout(
      deployment({
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
      }),
    );
    expect(verdict).toEqual({
      state: 'progressing',
      message: 'Waiting for deployment spec update to be observed',
    });
  });

  it('fails when the controller reports ProgressDeadlineExceeded', () => {
    const verdict = evaluateRollout(
      deployment({
        replicas: 3,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
          },
        ],
      }),
    );
    expect(verdict.state).toBe('failed');
    expect(verdict.reason).toBe('ProgressDeadlineExceeded');
  });

  it.each([
    [
      { replicas: 3, updatedReplicas: 1, availableReplicas: 3 },
      '1 out of 3 new replicas have been updated',
    ],
    [
      { replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
      '1 old replicas are pending termination',
    ],
    [
      { replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
      '2 of 3 updated replicas are available',
    ],
  ])('waits like kubectl for %j', (status, message) => {
    const verdict = evaluateRollout(deployment(status));
    expect(verdict.state).toBe('progressing');
    expect(verdict.message).toContain(message);
  });

  it('is complete when every replica is updated and available and none are old', () => {
    const verdict = evaluateRollout(
      deployment({
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        readyReplicas: 3,
      }),
    );
    expect(verdict).toEqual({
      state: 'complete',
      message: 'checkout successfully rolled out',
    });
  });

  it('fails early on a crash loop past the threshold, with the exit code', () => {
    const verdict = evaluateRollout(
      deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      { pods: [crashingPod(3)] },
    );
    expect(verdict.state).toBe('failed');
    expect(verdict.reason).toBe('CrashLoopBackOff');
    expect(verdict.failingPod).toMatchObject({
      pod: 'checkout-abc',
      container: 'app',
      exitCode: 1,
      restartCount: 3,
    });
  });

  it('gives a crash loop below the threshold more time', () => {
    const verdict = evaluateRollout(
      deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      { pods: [crashingPod(1)] },
    );
    expect(verdict.state).toBe('progressing');
  });

  it.each([
    'ImagePullBackOff',
    'CreateContainerConfigError',
    'InvalidImageName',
  ])('fails early on %s', reason => {
    const pod: PodShape = {
      metadata: { name: 'checkout-xyz' },
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'app',
            restartCount: 0,
            state: { waiting: { reason, message: 'no such image' } },
          },
        ],
      },
    };
    const verdict = evaluateRollout(
      deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      { pods: [pod] },
    );
    expect(verdict).toMatchObject({ state: 'failed', reason });
  });

  it('does not fail on the first ErrImagePull, which kubelet retries', () => {
    const pod: PodShape = {
      metadata: { name: 'checkout-xyz' },
      status: {
        containerStatuses: [
          { name: 'app', state: { waiting: { reason: 'ErrImagePull' } } },
        ],
      },
    };
    const verdict = evaluateRollout(
      deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      { pods: [pod] },
    );
    expect(verdict.state).toBe('progressing');
  });

  it('does not let a stray stuck pod fail a rollout that is complete', () => {
    const verdict = evaluateRollout(
      deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      { pods: [crashingPod(9)] },
    );
    expect(verdict.state).toBe('complete');
  });

  it('fails when someone else moved the Deployment to another revision', () => {
    const verdict = evaluateRollout(
      deployment(
        { replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
        { revision: '5' },
      ),
      { expectedRevision: '4' },
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'RevisionChanged',
    });
  });
});
