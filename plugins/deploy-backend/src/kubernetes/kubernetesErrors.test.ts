import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { ClusterError, describeKubernetesError } from './kubernetesErrors';

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
    // The platform's problem, not the caller's: never a 403 to the user.
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).status).toBe(502);
    expect(error.message).toBe(
      `Slipway's account may not get deployments.apps checkout in namespace "slipway-prod" of cluster "production": ` +
        `the platform team must grant "get" on "deployments.apps" in that namespace`,
    );
    // What the API server said (it names the account) goes to the log only.
    expect((error as ClusterError).detail).toBe(
      'deployments.apps "checkout" is forbidden',
    );
  });

  it('tells a quota or admission refusal from a missing grant, keeping its reason', () => {
    for (const message of [
      'deployments.apps "checkout" is forbidden: exceeded quota: no-new-deployments, requested: count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0',
      'admission webhook "policy.example.com" denied the request: images must come from registry.example',
    ]) {
      const error = describeKubernetesError(
        apiError(403, { kind: 'Status', message }),
        call,
      ) as ClusterError;
      expect(error.statusCode).toBe(403);
      expect(error.message).not.toContain('must grant');
      expect(error.message).toContain(message.split(': ').slice(1).join(': '));
    }
    // RBAC's wording names the account: still the grant message, detail logged.
    const rbac = describeKubernetesError(
      apiError(403, {
        kind: 'Status',
        message:
          'deployments.apps "checkout" is forbidden: User "system:serviceaccount:slipway-system:slipway-deployer" cannot get resource "deployments"',
      }),
      call,
    );
    expect(rbac.message).toContain('must grant "get"');
    expect(rbac.message).not.toContain('slipway-deployer');
  });

  it('reads the message of a Status body sent as text', () => {
    const error = describeKubernetesError(
      apiError(422, JSON.stringify({ message: 'spec.replicas: Invalid' })),
      call,
    );
    expect(error.message).toBe(
      'Could not get deployments.apps checkout in namespace "slipway-prod" of cluster "production": the API server refused it (422): spec.replicas: Invalid',
    );
  });

  it('tells an unreachable cluster from an answer', () => {
    const error = describeKubernetesError(
      new Error('connect ECONNREFUSED 127.0.0.1:6443'),
      call,
    );
    expect(error.message).toBe(
      'Could not reach cluster "production" to get deployments.apps checkout in namespace "slipway-prod"',
    );
    expect((error as ClusterError).status).toBe(503);
    expect((error as ClusterError).detail).toContain('127.0.0.1:6443');
  });

  it('says a call timed out, as an outage a retry may get past', () => {
    const aborted = describeKubernetesError(
      new AbortError('The user aborted a request.'),
      { ...call, timeoutMs: 20_000 },
    );
    expect(aborted).toBeInstanceOf(ClusterError);
    expect(aborted.message).toBe(
      'Cluster "production" did not answer in time to get deployments.apps checkout in namespace "slipway-prod" (timed out after 20s): it is unreachable or overloaded; try again shortly',
    );
    expect((aborted as ClusterError).status).toBe(503);
    // No status code: nothing marks it permanent.
    expect((aborted as ClusterError).statusCode).toBeUndefined();

    const watch = describeKubernetesError(
      new FetchError('network timeout at: https://x', 'request-timeout'),
      { ...call, verb: 'list and watch', resource: 'pods', name: undefined },
    );
    expect(watch.message).toContain(
      'did not answer in time to list and watch pods in namespace "slipway-prod" (timed out)',
    );
  });

  it('says to install a kind the cluster does not serve, as an answer rather than an outage', () => {
    const error = describeKubernetesError(
      new Error('Unrecognized API version and kind: example.com/v1 Widget'),
      { ...call, verb: 'patch', resource: 'widgets.example.com' },
    );
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).statusCode).toBe(404);
    expect(error.message).toContain(
      'the cluster does not serve this apiVersion and kind; install its CustomResourceDefinition',
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
