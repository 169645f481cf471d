import { AuthenticationV1Api } from '@kubernetes/client-node';
import {
  TEST_NAMESPACE,
  rejectionOf,
  slipwayClients,
  statusBodyOf,
  statusCodeOf,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { kubeConfig, core } = slipwayClients();
const TEST_TIMEOUT_MS = 90_000;
const DEPLOYER = 'system:serviceaccount:slipway-system:slipway-deployer';

/** The HTTP status and the API server's Status object of a call that must fail. */
async function failureOf(call: Promise<unknown>) {
  const error = await rejectionOf(call);
  return { code: statusCodeOf(error), status: statusBodyOf(error) };
}

/** What the API server itself answers when RBAC denies the deployer. */
function forbidden(resource: string, namespace: string) {
  return {
    code: 403,
    status: {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: expect.stringMatching(
        new RegExp(
          `^${resource}\\b.* is forbidden: User "${DEPLOYER}" cannot .* in the namespace "${namespace}"$`,
        ),
      ),
    },
  };
}

describe('the least-privilege account on the local cluster', () => {
  it(
    'is the slipway-deployer ServiceAccount',
    async () => {
      const review = await kubeConfig
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'SelfSubjectReview',
          },
        });
      expect(review.status!.userInfo!.username).toBe(DEPLOYER);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'may list pods in its own namespace',
    async () => {
      const pods = await core.listNamespacedPod({ namespace: TEST_NAMESPACE });
      expect(Array.isArray(pods.items)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gets 403 reading secrets in slipway-dev',
    async () => {
      expect(
        await failureOf(
          core.listNamespacedSecret({ namespace: TEST_NAMESPACE }),
        ),
      ).toMatchObject(forbidden('secrets', TEST_NAMESPACE));
      expect(
        await failureOf(
          core.readNamespacedSecret({
            name: 'slipway-deployer-token',
            namespace: TEST_NAMESPACE,
          }),
        ),
      ).toMatchObject(forbidden('secrets', TEST_NAMESPACE));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gets 403 listing pods in namespace default',
    async () => {
      expect(
        await failureOf(core.listNamespacedPod({ namespace: 'default' })),
      ).toMatchObject(forbidden('pods', 'default'));
    },
    TEST_TIMEOUT_MS,
  );
});
