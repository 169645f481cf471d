import {
  ChannelStatus,
  Deployment,
  PipelineResponse,
  PipelineStage,
  Release,
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
  autoDeploy: false,
  autoPromote: false,
  releasesOnly: false,
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

export function makeRelease(overrides: Partial<Release> = {}): Release {
  return {
    service: 'checkout',
    version: '1.3.0',
    commit: '0123456789abcdef0123456789abcdef01234567',
    commitUrl: 'https://git.example.com/checkout/commit/0123456',
    buildUrl: 'https://ci.example.com/checkout/builds/42',
    title: 'Pay with saved cards',
    publishedBy: 'service:ci',
    publishedAt: '2026-11-20T09:58:00.000Z',
    ...overrides,
  };
}

/**
 * 1.3.0 deployed in dev and staging (promoted by rule there) and waiting for
 * approval in prod; 1.2.3, before it, still runs in prod.
 */
export function makePipeline(
  prodStage: Partial<PipelineStage> = {},
): PipelineResponse {
  return {
    service: 'checkout',
    channels: ['dev', 'staging', 'prod'],
    releases: [
      {
        release: makeRelease(),
        stages: [
          {
            channel: 'dev',
            state: 'deployed',
            current: true,
            deploymentId: 'd1',
            automation: {
              rule: 'auto-deploy',
              reason: '1.3.0 was published',
            },
            message: 'Succeeded',
          },
          {
            channel: 'staging',
            state: 'deployed',
            current: true,
            deploymentId: 'd2',
            automation: {
              rule: 'auto-promote',
              reason: '1.3.0 succeeded in dev',
            },
            message: 'Succeeded',
          },
          {
            channel: 'prod',
            state: 'waiting',
            waitingFor: 'approval',
            approvers: ['group:default/team-payments'],
            deploymentId: 'd3',
            automation: {
              rule: 'auto-promote',
              reason: '1.3.0 succeeded and soaked in staging',
            },
            message: 'Awaiting approval',
            ...prodStage,
          } as PipelineStage,
        ],
      },
      {
        release: makeRelease({
          version: '1.2.3',
          title: 'Fix rounding of totals',
          commit: 'fedcba9',
          commitUrl: undefined,
          buildUrl: undefined,
          publishedBy: 'user:default/ada',
        }),
        stages: ['dev', 'staging', 'prod'].map(channel => ({
          channel,
          state: 'deployed' as const,
          current: channel === 'prod',
          message: 'Succeeded',
        })),
      },
    ],
  };
}
