import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  V1Deployment,
  V1RoleBinding,
} from '@kubernetes/client-node';
import {
  loadSlipwayKubeConfig,
  waitFor,
} from '../../kubernetes/__testUtils__/localCluster';

/** The namespace whose RoleBinding and quota the lifecycle tests may change. */
export const FAULTS_NAMESPACE = 'slipway-faults';
const ROLE_BINDING = 'slipway-deployer';
const QUOTA = 'lifecycle-no-new-deployments';

function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.SLIPWAY_ADMIN_KUBECONFIG!);
  return kc;
}

const apps = () => adminKubeConfig().makeApiClient(AppsV1Api);
const core = () => adminKubeConfig().makeApiClient(CoreV1Api);
const rbac = () => adminKubeConfig().makeApiClient(RbacAuthorizationV1Api);

const statusOf = (error: unknown) => (error as { code?: number })?.code;

/** The binding as tools/local-cluster/sim/rbac.yaml creates it, read before it is first deleted. */
let binding: V1RoleBinding = {
  metadata: { name: ROLE_BINDING, namespace: FAULTS_NAMESPACE },
  roleRef: {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Role',
    name: 'slipway-deployer',
  },
  subjects: [
    {
      kind: 'ServiceAccount',
      name: 'slipway-deployer',
      namespace: 'slipway-system',
    },
  ],
};

/** Whether Slipway's account may get Deployments in the fault namespace now. */
async function deployerMayGetDeployments(): Promise<boolean> {
  const review = await loadSlipwayKubeConfig()
    .makeApiClient(AuthorizationV1Api)
    .createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            namespace: FAULTS_NAMESPACE,
            verb: 'get',
            group: 'apps',
            resource: 'deployments',
          },
        },
      },
    });
  return review.status?.allowed === true;
}

/**
 * Deletes Slipway's RoleBinding in the fault namespace, as a platform team
 * revoking its access would; returns when the API server denies it.
 */
export async function revokeDeployerAccess(): Promise<number> {
  const live = await rbac().readNamespacedRoleBinding({
    name: ROLE_BINDING,
    namespace: FAULTS_NAMESPACE,
  });
  binding = {
    metadata: { name: ROLE_BINDING, namespace: FAULTS_NAMESPACE },
    roleRef: live.roleRef,
    subjects: live.subjects,
  };
  await rbac().deleteNamespacedRoleBinding({
    name: ROLE_BINDING,
    namespace: FAULTS_NAMESPACE,
  });
  const revokedAt = Date.now();
  await waitFor(
    'the API server to deny Slipway',
    async () => !(await deployerMayGetDeployments()),
    20_000,
  );
  return revokedAt;
}

/** Puts Slipway's RoleBinding back (whether or not it is there); returns when it is honoured. */
export async function restoreDeployerAccess(): Promise<void> {
  await rbac()
    .createNamespacedRoleBinding({ namespace: FAULTS_NAMESPACE, body: binding })
    .catch(error => {
      if (statusOf(error) !== 409) {
        throw error;
      }
    });
  await waitFor(
    'the API server to allow Slipway again',
    deployerMayGetDeployments,
    20_000,
  );
}

/**
 * A ResourceQuota that admits no new Deployment in the fault namespace
 * (existing ones may still change); returns once the quota controller has
 * counted what is there, so admission refuses with "exceeded quota".
 */
export async function admitNoNewDeployments(): Promise<void> {
  await core().createNamespacedResourceQuota({
    namespace: FAULTS_NAMESPACE,
    body: {
      metadata: { name: QUOTA },
      spec: { hard: { 'count/deployments.apps': '0' } },
    },
  });
  await waitFor('the quota to be counted', async () => {
    const quota = await core().readNamespacedResourceQuota({
      name: QUOTA,
      namespace: FAULTS_NAMESPACE,
    });
    return quota.status?.hard?.['count/deployments.apps'] === '0';
  });
}

export async function removeQuota(): Promise<void> {
  await core()
    .deleteNamespacedResourceQuota({ name: QUOTA, namespace: FAULTS_NAMESPACE })
    .catch(error => {
      if (statusOf(error) !== 404) {
        throw error;
      }
    });
}

export const QUOTA_NAME = QUOTA;

export async function liveDeployment(
  namespace: string,
  name: string,
): Promise<V1Deployment> {
  return apps().readNamespacedDeployment({ name, namespace });
}

/** The image of the Deployment's container 'app'. */
export async function appImage(
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const deployment = await liveDeployment(namespace, name);
  return deployment.spec?.template.spec?.containers.find(c => c.name === 'app')
    ?.image;
}

/**
 * What the cluster runs for a Deployment right now, independently of
 * Slipway: whether the controller has finished rolling out `image` (every
 * replica updated and available, nothing old left) and how many
 * ReplicaSets it has.
 */
export async function rolledOutTo(
  namespace: string,
  name: string,
  image: string,
): Promise<{ done: boolean; replicaSets: number; why: string }> {
  const deployment = await liveDeployment(namespace, name);
  const spec = deployment.spec!;
  const status = deployment.status ?? {};
  const replicaSets = (
    await apps().listNamespacedReplicaSet({
      namespace,
      labelSelector: Object.entries(spec.selector.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    })
  ).items.filter(rs =>
    rs.metadata?.ownerReferences?.some(o => o.uid === deployment.metadata?.uid),
  );
  const revision =
    deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const current = replicaSets.find(
    rs =>
      rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ===
      revision,
  );
  const currentImage = current?.spec?.template?.spec?.containers.find(
    c => c.name === 'app',
  )?.image;
  const replicas = spec.replicas ?? 1;
  const facts = {
    specImage: spec.template.spec?.containers.find(c => c.name === 'app')
      ?.image,
    currentImage,
    generation: deployment.metadata?.generation,
    observedGeneration: status.observedGeneration,
    replicas: status.replicas,
    updated: status.updatedReplicas,
    available: status.availableReplicas,
    currentReady: current?.status?.readyReplicas,
    others: replicaSets
      .filter(rs => rs !== current)
      .map(rs => rs.status?.replicas ?? 0),
  };
  const done =
    facts.specImage === image &&
    currentImage === image &&
    (facts.observedGeneration ?? 0) >= (facts.generation ?? 1) &&
    facts.updated === replicas &&
    facts.replicas === replicas &&
    (facts.available ?? 0) >= replicas &&
    (facts.currentReady ?? 0) >= replicas &&
    facts.others.every(n => n === 0);
  return {
    done,
    replicaSets: replicaSets.length,
    why: JSON.stringify(facts),
  };
}

/**
 * Someone else puts the Deployment back, as `kubectl rollout undo` does: the
 * app container's image and the deployment id annotation of the revision
 * before.
 */
export async function revertByHand(
  namespace: string,
  name: string,
  image: string,
  deploymentId: string,
): Promise<void> {
  await KubernetesObjectApi.makeApiClient(adminKubeConfig()).patch(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace,
        annotations: { 'slipway.dev/deployment-id': deploymentId },
      },
      spec: {
        template: { spec: { containers: [{ name: 'app', image }] } },
      },
    } as any,
    undefined,
    undefined,
    'kubectl-rollout',
    undefined,
    PatchStrategy.StrategicMergePatch,
  );
}
