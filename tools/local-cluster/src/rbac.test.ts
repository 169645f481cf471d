import {
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  NetworkingV1Api,
  PolicyV1Api,
  StorageV1Api,
} from '@kubernetes/client-node';
import {
  TEST_LABEL,
  TEST_NAMESPACE,
  adminClients,
  image,
  rejectionOf,
  slipwayClients,
  statusBodyOf,
  statusCodeOf,
  uniqueName,
} from './localCluster';

// Fails the whole file, saying how to start the cluster, when there is none.
const { kubeConfig, core } = slipwayClients();
const TEST_TIMEOUT_MS = 90_000;
const DEPLOYER = 'system:serviceaccount:slipway-system:slipway-deployer';
const CHANNEL_NAMESPACES = [
  'slipway-dev',
  'slipway-staging',
  'slipway-prod',
  'slipway-sandbox',
  // Not slipway-faults: the fault suite revokes and restores its binding
  // while tests run, so its grants are not stable enough to assert here.
];
const authorization = kubeConfig.makeApiClient(AuthorizationV1Api);

const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];
/**
 * Exactly what the deployer's Role grants in each release-channel namespace
 * ("group/resource" -> verbs): what a rendered set may contain.
 */
const ROLE: Record<string, string[]> = {
  'apps/deployments': ALL,
  'apps/statefulsets': ALL,
  'apps/daemonsets': ALL,
  'apps/replicasets': READ,
  'apps/controllerrevisions': READ,
  'batch/jobs': ALL,
  'batch/cronjobs': ALL,
  '/pods': ['get', 'list', 'watch', 'delete'],
  '/pods/log': ['get'],
  '/events': READ,
  'events.k8s.io/events': READ,
  '/services': ALL,
  '/serviceaccounts': ALL,
  '/configmaps': ALL,
  '/persistentvolumeclaims': [
    'get',
    'list',
    'watch',
    'create',
    'update',
    'patch',
  ],
  'autoscaling/horizontalpodautoscalers': ALL,
  'policy/poddisruptionbudgets': ALL,
  'networking.k8s.io/ingresses': ALL,
  'networking.k8s.io/networkpolicies': ALL,
};
/** What every account may do (system:basic-user), plus the namespace reader. */
const EVERYWHERE: Record<string, string[]> = {
  'authentication.k8s.io/selfsubjectreviews': ['create'],
  'authorization.k8s.io/selfsubjectaccessreviews': ['create'],
  'authorization.k8s.io/selfsubjectrulesreviews': ['create'],
  '/namespaces': READ,
};
/** Cluster-scoped resources the deployer must not touch at all. */
const CLUSTER_SCOPED = [
  '/nodes',
  '/persistentvolumes',
  'storage.k8s.io/storageclasses',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
  'apiextensions.k8s.io/customresourcedefinitions',
  'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'networking.k8s.io/ingressclasses',
];

/** The API server's own answer: may the deployer do this? */
async function allowed(
  groupResource: string,
  verb: string,
  namespace?: string,
): Promise<boolean> {
  const [group, resource, subresource] = groupResource.split('/');
  const review = await authorization.createSelfSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: { group, resource, subresource, verb, namespace },
      },
    },
  });
  return review.status!.allowed;
}

/** "group/resource" -> sorted verbs, from a SelfSubjectRulesReview. */
async function rulesIn(namespace: string): Promise<Record<string, string[]>> {
  const review = await authorization.createSelfSubjectRulesReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace },
    },
  });
  expect(review.status!.incomplete).toBe(false);
  const out: Record<string, Set<string>> = {};
  for (const rule of review.status!.resourceRules) {
    expect(rule.resourceNames ?? []).toEqual([]);
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = `${group}/${resource}`;
        out[key] ??= new Set();
        rule.verbs.forEach(v => out[key].add(v));
      }
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, [...v].sort()]),
  );
}

const sorted = (rules: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, [...v].sort()]));

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
  it(
    'has exactly the Role of a rendered set in each release-channel namespace, and nothing more anywhere',
    async () => {
      for (const namespace of CHANNEL_NAMESPACES) {
        expect(await rulesIn(namespace)).toEqual(
          sorted({ ...ROLE, ...EVERYWHERE }),
        );
      }
      for (const namespace of ['default', 'kube-system', 'slipway-system']) {
        expect(await rulesIn(namespace)).toEqual(sorted(EVERYWHERE));
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is allowed each verb of its Role and denied every other, per the API server',
    async () => {
      const checks: Array<Promise<[string, boolean]>> = [];
      const resources = [...Object.keys(ROLE), '/secrets'];
      for (const namespace of CHANNEL_NAMESPACES) {
        for (const resource of resources) {
          for (const verb of [...ALL, 'deletecollection']) {
            checks.push(
              allowed(resource, verb, namespace).then(ok => [
                `${verb} ${resource} in ${namespace}`,
                ok,
              ]),
            );
          }
        }
      }
      const answers = Object.fromEntries(await Promise.all(checks));
      const expected = Object.fromEntries(
        Object.keys(answers).map(check => {
          const [verb, resource] = check.split(' ');
          return [check, (ROLE[resource] ?? []).includes(verb)];
        }),
      );
      expect(answers).toEqual(expected);
      // Secrets: nothing at all.
      expect(
        Object.entries(answers).filter(
          ([check, ok]) => check.includes('/secrets') && ok,
        ),
      ).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is denied every write to cluster-scoped resources, and everything in other namespaces',
    async () => {
      const granted: string[] = [];
      const checks: Array<Promise<void>> = [];
      const record = (what: string) => (ok: boolean) => {
        if (ok) granted.push(what);
      };
      for (const resource of [...CLUSTER_SCOPED, '/namespaces']) {
        for (const verb of [...ALL, 'deletecollection']) {
          if (resource === '/namespaces' && READ.includes(verb)) continue;
          checks.push(
            allowed(resource, verb).then(record(`${verb} ${resource}`)),
          );
        }
      }
      for (const namespace of ['default', 'kube-system', 'slipway-system']) {
        for (const resource of [...Object.keys(ROLE), '/secrets']) {
          for (const verb of ALL) {
            checks.push(
              allowed(resource, verb, namespace).then(
                record(`${verb} ${resource} in ${namespace}`),
              ),
            );
          }
        }
      }
      await Promise.all(checks);
      expect(granted).toEqual([]);
      // The namespace reader is still there.
      expect(await allowed('/namespaces', 'list')).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'can really create, update and delete each new kind of object in slipway-dev',
    async () => {
      const namespace = TEST_NAMESPACE;
      const name = uniqueName('rbac');
      const labels = { [TEST_LABEL]: 'true', 'app.kubernetes.io/name': name };
      const podTemplate = {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'app', image: image('web', '1.0') }],
        },
      };
      const selector = { matchLabels: { 'app.kubernetes.io/name': name } };
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      const batch = kubeConfig.makeApiClient(BatchV1Api);
      const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
      const policy = kubeConfig.makeApiClient(PolicyV1Api);
      const networking = kubeConfig.makeApiClient(NetworkingV1Api);
      const metadata = { name, namespace, labels };
      const patch = [
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { 'slipway.dev/test-patch': 'yes' },
        },
      ];

      // Each kind: create, patch, read, delete - all as the deployer.
      const kinds: Array<{
        kind: string;
        create: () => Promise<unknown>;
        patch: () => Promise<{
          metadata?: { annotations?: Record<string, string> };
        }>;
        remove: () => Promise<unknown>;
      }> = [
        {
          kind: 'StatefulSet',
          create: () =>
            apps.createNamespacedStatefulSet({
              namespace,
              body: {
                metadata,
                spec: {
                  replicas: 0,
                  serviceName: name,
                  selector,
                  template: podTemplate,
                },
              },
            }),
          patch: () =>
            apps.patchNamespacedStatefulSet({ name, namespace, body: patch }),
          remove: () => apps.deleteNamespacedStatefulSet({ name, namespace }),
        },
        {
          kind: 'DaemonSet',
          create: () =>
            apps.createNamespacedDaemonSet({
              namespace,
              // Matches no node: nothing is scheduled.
              body: {
                metadata,
                spec: {
                  selector,
                  template: {
                    ...podTemplate,
                    spec: {
                      ...podTemplate.spec,
                      nodeSelector: { 'slipway.dev/no-such-node': 'true' },
                    },
                  },
                },
              },
            }),
          patch: () =>
            apps.patchNamespacedDaemonSet({ name, namespace, body: patch }),
          remove: () => apps.deleteNamespacedDaemonSet({ name, namespace }),
        },
        {
          kind: 'CronJob',
          create: () =>
            batch.createNamespacedCronJob({
              namespace,
              body: {
                metadata,
                spec: {
                  schedule: '0 0 1 1 *',
                  suspend: true,
                  jobTemplate: {
                    spec: {
                      template: {
                        ...podTemplate,
                        spec: { ...podTemplate.spec, restartPolicy: 'Never' },
                      },
                    },
                  },
                },
              },
            }),
          patch: () =>
            batch.patchNamespacedCronJob({ name, namespace, body: patch }),
          remove: () => batch.deleteNamespacedCronJob({ name, namespace }),
        },
        {
          kind: 'HorizontalPodAutoscaler',
          create: () =>
            autoscaling.createNamespacedHorizontalPodAutoscaler({
              namespace,
              body: {
                metadata,
                spec: {
                  scaleTargetRef: {
                    apiVersion: 'apps/v1',
                    kind: 'Deployment',
                    name,
                  },
                  minReplicas: 1,
                  maxReplicas: 3,
                },
              },
            }),
          patch: () =>
            autoscaling.patchNamespacedHorizontalPodAutoscaler({
              name,
              namespace,
              body: patch,
            }),
          remove: () =>
            autoscaling.deleteNamespacedHorizontalPodAutoscaler({
              name,
              namespace,
            }),
        },
        {
          kind: 'PodDisruptionBudget',
          create: () =>
            policy.createNamespacedPodDisruptionBudget({
              namespace,
              body: { metadata, spec: { minAvailable: 1, selector } },
            }),
          patch: () =>
            policy.patchNamespacedPodDisruptionBudget({
              name,
              namespace,
              body: patch,
            }),
          remove: () =>
            policy.deleteNamespacedPodDisruptionBudget({ name, namespace }),
        },
        {
          kind: 'Ingress',
          create: () =>
            networking.createNamespacedIngress({
              namespace,
              body: {
                metadata,
                spec: {
                  rules: [
                    {
                      host: `${name}.slipway.test`,
                      http: {
                        paths: [
                          {
                            path: '/',
                            pathType: 'Prefix',
                            backend: {
                              service: { name, port: { number: 80 } },
                            },
                          },
                        ],
                      },
                    },
                  ],
                },
              },
            }),
          patch: () =>
            networking.patchNamespacedIngress({ name, namespace, body: patch }),
          remove: () => networking.deleteNamespacedIngress({ name, namespace }),
        },
        {
          kind: 'NetworkPolicy',
          create: () =>
            networking.createNamespacedNetworkPolicy({
              namespace,
              body: {
                metadata,
                spec: { podSelector: selector, policyTypes: ['Ingress'] },
              },
            }),
          patch: () =>
            networking.patchNamespacedNetworkPolicy({
              name,
              namespace,
              body: patch,
            }),
          remove: () =>
            networking.deleteNamespacedNetworkPolicy({ name, namespace }),
        },
      ];
      for (const kind of kinds) {
        await kind.create();
        try {
          const patched = await kind.patch();
          expect([
            kind.kind,
            patched.metadata?.annotations?.['slipway.dev/test-patch'],
          ]).toEqual([kind.kind, 'yes']);
        } finally {
          await kind.remove();
        }
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gets 403 deleting a PersistentVolumeClaim, and for any Secret or cluster-scoped write',
    async () => {
      const admin = adminClients();
      const namespace = TEST_NAMESPACE;
      const name = uniqueName('rbac-pvc');
      await core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: {
          metadata: { name, namespace, labels: { [TEST_LABEL]: 'true' } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '10Mi' } },
          },
        },
      });
      try {
        expect(
          await failureOf(
            core.deleteNamespacedPersistentVolumeClaim({ name, namespace }),
          ),
        ).toMatchObject(forbidden('persistentvolumeclaims', namespace));
      } finally {
        await admin.core.deleteNamespacedPersistentVolumeClaim({
          name,
          namespace,
        });
      }

      expect(
        await failureOf(
          core.createNamespacedSecret({
            namespace,
            body: { metadata: { name }, stringData: { k: 'v' } },
          }),
        ),
      ).toMatchObject(forbidden('secrets', namespace));

      const clusterScoped = (resource: string) => ({
        code: 403,
        status: {
          reason: 'Forbidden',
          message: expect.stringMatching(
            new RegExp(
              `^${resource}\\b.* is forbidden: User "${DEPLOYER}" cannot .* at the cluster scope$`,
            ),
          ),
        },
      });
      const coreApi = kubeConfig.makeApiClient(CoreV1Api);
      expect(
        await failureOf(
          coreApi.createNamespace({ body: { metadata: { name } } }),
        ),
      ).toMatchObject(clusterScoped('namespaces'));
      expect(
        await failureOf(
          coreApi.createPersistentVolume({
            body: {
              metadata: { name },
              spec: {
                capacity: { storage: '1Gi' },
                accessModes: ['ReadWriteOnce'],
                hostPath: { path: `/tmp/${name}` },
              },
            },
          }),
        ),
      ).toMatchObject(clusterScoped('persistentvolumes'));
      expect(
        await failureOf(
          kubeConfig.makeApiClient(StorageV1Api).createStorageClass({
            body: {
              metadata: { name },
              provisioner: 'kubernetes.io/host-path',
            },
          }),
        ),
      ).toMatchObject(clusterScoped('storageclasses'));
      expect(await failureOf(coreApi.listNode())).toMatchObject(
        clusterScoped('nodes'),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
