import { ApiException } from '@kubernetes/client-node';
import { describeKubernetesError } from './kubernetesErrors';

const call = {
  cluster: 'production',
  verb: 'get',
  resource: 'deployments.apps',
  namespace: 'slipway-prod',
  name: 'checkout',
};

const apiError = (code: number, body: unknown) =>
  new ApiException(code, 'Unknown API Status Code!', body, {});

describe('describeKubernetesError', () => {
  it('says what to grant when the API server denies a call', () => {
    const error = describeKubernetesError(
      apiError(403, {
        kind: 'Status',
        message: 'deployments.apps "checkout" is forbidden',
      }),
      call,
    );
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      `Slipway's service account may not get deployments.apps checkout in namespace "slipway-prod" of cluster "production": ` +
        `grant "get" on "deployments.apps" to it in that namespace (the API server said: deployments.apps "checkout" is forbidden)`,
    );
  });

  it('reads the message of a Status body sent as text', () => {
    const error = describeKubernetesError(
      apiError(422, JSON.stringify({ message: 'spec.replicas: Invalid' })),
      call,
    );
    expect(error.message).toBe(
      'Could not get deployments.apps checkout in namespace "slipway-prod" of cluster "production": the API server answered 422: spec.replicas: Invalid',
    );
  });

  it('tells an unreachable cluster from an answer', () => {
    const error = describeKubernetesError(
      new Error('connect ECONNREFUSED 127.0.0.1:6443'),
      call,
    );
    expect(error.message).toBe(
      'Could not reach cluster "production" to get deployments.apps checkout in namespace "slipway-prod": connect ECONNREFUSED 127.0.0.1:6443',
    );
  });

  it('turns 404 into NotFoundError and 401 into a credentials hint', () => {
    expect(describeKubernetesError(apiError(404, {}), call).name).toBe(
      'NotFoundError',
    );
    expect(
      describeKubernetesError(apiError(401, undefined), call).message,
    ).toContain("did not accept Slipway's credentials");
  });
});
