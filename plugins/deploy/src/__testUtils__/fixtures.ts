import {
  ChannelStatus,
  Deployment,
  ReleaseChannel,
  SetDiff,
} from '@slipway/plugin-deploy-common';

const policy = {
  approvalRequired: false,
  approverMustDiffer: false,
  soakSeconds: 0,
  soakUnavailableSeconds: 60,
  autoRollback: true,
  progressDeadlineSeconds: 600,
};

/** dev → staging → prod, with approval in prod. */
export const channels: ReleaseChannel[] = ['dev', 'staging', 'prod'].map(
  (name, order) => ({
    name,
    order,
    cluster: 'local',
    namespacePattern: 'slipway-{channel}',
    policy: { ...policy, approvalRequired: name === 'prod' },
  }),
);

export function makeDeployment(
  overrides: Partial<Deployment> = {},
): Deployment {
  return {
    id: 'd1',
    service: 'checkout',
    ownerRef: 'group:default/team-payments',
    channel: 'dev',
    version: '1.2.3',
    previousVersion: '1.2.2',
    status: 'succeeded',
    requestedBy: 'user:default/ada',
    createdAt: '2026-11-20T10:00:00.000Z',
    startedAt: '2026-11-20T10:00:05.000Z',
    finishedAt: '2026-11-20T10:02:05.000Z',
    ...overrides,
  };
}

export function makeChannelStatus(
  overrides: Partial<ChannelStatus> = {},
): ChannelStatus {
  return {
    channel: 'dev',
    health: 'Healthy',
    desiredVersion: '1.2.3',
    runningVersion: '1.2.3',
    replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
      },
    ],
    message: 'All replicas are up to date and available',
    pods: [
      {
        name: 'checkout-7d9f-abcde',
        phase: 'Running',
        version: '1.2.3',
        ready: true,
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/checkout:1.2.3',
            ready: true,
            restartCount: 0,
            state: 'running',
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** A pod whose container crash-loops: the case the on-call engineer opens the tab for. */
export const crashingPod = {
  name: 'checkout-5c4b-zyxwv',
  phase: 'Running',
  version: '1.3.0',
  ready: false,
  containers: [
    {
      name: 'app',
      image: 'registry.example.com/checkout:1.3.0',
      ready: false,
      restartCount: 4,
      state: 'waiting' as const,
      reason: 'CrashLoopBackOff',
      message: 'back-off 40s restarting failed container',
      lastTerminated: { reason: 'Error', exitCode: 137 },
    },
  ],
};

/** What promoting 1.3.0 to prod would change: the image, a new ConfigMap, a Service gone. */
export function makeSetDiff(overrides: Partial<SetDiff> = {}): SetDiff {
  return {
    base: { channel: 'prod', version: '1.2.3', deploymentId: 'd1' },
    head: { channel: 'prod', version: '1.3.0' },
    changes: [
      {
        kind: 'Deployment',
        name: 'checkout',
        change: 'changed',
        diff: [
          ' spec:',
          '   template:',
          '     spec:',
          '       containers:',
          '-        - image: registry.example.com/checkout:1.2.3',
          '+        - image: registry.example.com/checkout:1.3.0',
          '@@',
          '-  replicas: 2',
          '+  replicas: 3',
        ].join('\n'),
      },
      {
        kind: 'ConfigMap',
        name: 'checkout-flags',
        change: 'added',
        diff: [
          '+apiVersion: v1',
          '+kind: ConfigMap',
          '+data:',
          '+  fast: "true"',
        ].join('\n'),
      },
      {
        kind: 'Service',
        name: 'checkout-legacy',
        change: 'removed',
        diff: ['-apiVersion: v1', '-kind: Service'].join('\n'),
      },
    ],
    unchanged: 5,
    migrations: ['checkout-migrate'],
    ...overrides,
  };
}
