import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';

/** A service with settings for staging and a migration step. */
export const checkout: Service = {
  name: 'checkout',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-payments',
  spec: {
    image: 'registry.example.com:5000/shop/checkout',
    port: 8080,
    channels: {
      staging: { replicas: 3, env: { LOG_LEVEL: 'debug', DB_HOST: 'db' } },
    },
    migration: {
      command: ['./migrate', 'up'],
      timeoutSeconds: 300,
      retries: 2,
    },
  },
  createdAt: '2026-11-27T00:00:00Z',
  updatedAt: '2026-11-27T00:00:00Z',
};

/** A channel with no approval, no soak and a 90-second progress deadline. */
export const channel = (name: string): ReleaseChannel => ({
  name,
  order: 0,
  cluster: 'local',
  namespacePattern: 'slipway-{channel}',
  policy: {
    approvalRequired: false,
    approverMustDiffer: true,
    soakSeconds: 0,
    soakUnavailableSeconds: 60,
    autoRollback: true,
    progressDeadlineSeconds: 90,
    autoDeploy: false,
    autoPromote: false,
    releasesOnly: false,
  },
});
