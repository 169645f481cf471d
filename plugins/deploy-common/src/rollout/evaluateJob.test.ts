import { evaluateJob } from './evaluateJob';
import { JobShape } from './kubernetesShapes';

const job = (status: JobShape['status']): JobShape => ({
  metadata: { name: 'checkout-migrate-42' },
  status,
});

describe('evaluateJob', () => {
  it('is running while pods are active', () => {
    expect(evaluateJob(job({ active: 1 }))).toEqual({
      state: 'running',
      message: 'checkout-migrate-42 running: 1 active, 0 succeeded, 0 failed',
    });
  });

  it('succeeds on the Complete condition', () => {
    const verdict = evaluateJob(
      job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
    );
    expect(verdict.state).toBe('succeeded');
  });

  it('fails on the Failed condition, with its reason', () => {
    const verdict = evaluateJob(
      job({
        failed: 2,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      }),
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'BackoffLimitExceeded',
    });
    expect(verdict.message).toContain('backoff limit');
  });

  it('fails as soon as the controller sets FailureTarget', () => {
    const verdict = evaluateJob(
      job({
        conditions: [
          { type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' },
        ],
      }),
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'DeadlineExceeded',
    });
  });

  it('ignores conditions that are not True', () => {
    expect(
      evaluateJob(
        job({ active: 1, conditions: [{ type: 'Failed', status: 'False' }] }),
      ).state,
    ).toBe('running');
  });

  it('fails early when its pod cannot pull the image', () => {
    const verdict = evaluateJob(job({ active: 1 }), [
      {
        metadata: { name: 'checkout-migrate-42-abcde' },
        status: {
          containerStatuses: [
            {
              name: 'migrate',
              state: { waiting: { reason: 'ImagePullBackOff' } },
            },
          ],
        },
      },
    ]);
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'ImagePullBackOff',
    });
  });
});
