import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import {
  migrationJobName,
  renderMigrationJob,
  renderServiceObjects,
  resolveNamespace,
  versionOfImage,
} from './renderServiceObjects';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

const checkout: Service = {
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

const channel = (name: string): ReleaseChannel => ({
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

describe('renderServiceObjects', () => {
  it('renders a Deployment with the channel settings, labels and deployment id', () => {
    const [, , deployment] = renderServiceObjects(
      checkout,
      channel('staging'),
      'slipway-staging',
      '1.4.2',
      'dep-1',
    );

    expect(deployment.metadata).toEqual({
      name: 'checkout',
      namespace: 'slipway-staging',
      labels: {
        'app.kubernetes.io/name': 'checkout',
        'app.kubernetes.io/managed-by': 'slipway',
        'app.kubernetes.io/component': 'app',
        'app.kubernetes.io/version': '1.4.2',
        'slipway.dev/channel': 'staging',
      },
      annotations: {
        'slipway.dev/version': '1.4.2',
        'slipway.dev/deployment-id': 'dep-1',
      },
    });
    expect(deployment.spec).toMatchObject({
      replicas: 3,
      progressDeadlineSeconds: 90,
      selector: {
        matchLabels: {
          'app.kubernetes.io/name': 'checkout',
          'slipway.dev/channel': 'staging',
          'app.kubernetes.io/component': 'app',
        },
      },
    });
    const template = deployment.spec!.template;
    expect(template.metadata!.labels).toEqual(deployment.metadata!.labels);
    expect(template.spec!.serviceAccountName).toBe('checkout');
    expect(template.spec!.containers).toEqual([
      expect.objectContaining({
        name: 'app',
        image: 'registry.example.com:5000/shop/checkout:1.4.2',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'DB_HOST', value: 'db' },
          { name: 'LOG_LEVEL', value: 'debug' },
        ],
      }),
    ]);
  });

  it('gives a channel without settings one replica and no env, and stamps no id when none is given', () => {
    const [, , deployment] = renderServiceObjects(
      checkout,
      channel('dev'),
      'slipway-dev',
      '1.4.2',
    );
    expect(deployment.spec!.replicas).toBe(1);
    expect(deployment.spec!.template.spec!.containers[0].env).toEqual([]);
    expect(deployment.metadata!.annotations).toEqual({
      'slipway.dev/version': '1.4.2',
    });
  });

  it('pins a digest version with @ and keeps the label valid', () => {
    const [, , deployment] = renderServiceObjects(
      checkout,
      channel('dev'),
      'slipway-dev',
      DIGEST,
    );
    expect(deployment.spec!.template.spec!.containers[0].image).toBe(
      `registry.example.com:5000/shop/checkout@${DIGEST}`,
    );
    expect(deployment.metadata!.labels!['app.kubernetes.io/version']).toBe(
      'sha256-ab12ab12ab12',
    );
    expect(deployment.metadata!.annotations!['slipway.dev/version']).toBe(
      DIGEST,
    );
  });

  it('renders a ClusterIP Service on the port and a ServiceAccount', () => {
    const [serviceAccount, service] = renderServiceObjects(
      checkout,
      channel('dev'),
      'slipway-dev',
      '1.4.2',
    );
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: {
        'app.kubernetes.io/name': 'checkout',
        'slipway.dev/channel': 'dev',
        'app.kubernetes.io/component': 'app',
      },
      ports: [
        { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      ],
    });
    // A new version must not touch them.
    expect(service.metadata!.labels).not.toHaveProperty(
      'app.kubernetes.io/version',
    );
    expect(serviceAccount).toMatchObject({
      kind: 'ServiceAccount',
      metadata: { name: 'checkout', namespace: 'slipway-dev' },
    });
  });

  it.each(['latest tag', '-leading-dash', 'sha256:short'])(
    'rejects the version %j',
    version => {
      expect(() =>
        renderServiceObjects(checkout, channel('dev'), 'slipway-dev', version),
      ).toThrow(/is not an image (tag|digest)/);
    },
  );
});

describe('renderMigrationJob', () => {
  it('renders a Job that runs the migration once per try with the new image', () => {
    const job = renderMigrationJob(
      checkout,
      channel('staging'),
      'slipway-staging',
      '1.4.2',
      'dep-1',
    );
    expect(job.metadata).toMatchObject({
      name: migrationJobName('checkout', 'dep-1'),
      namespace: 'slipway-staging',
      labels: { 'app.kubernetes.io/component': 'migration' },
      annotations: { 'slipway.dev/deployment-id': 'dep-1' },
    });
    expect(job.spec).toMatchObject({
      backoffLimit: 2,
      activeDeadlineSeconds: 300,
    });
    expect(job.spec!.template.spec).toMatchObject({
      restartPolicy: 'Never',
      containers: [
        {
          name: 'migrate',
          image: 'registry.example.com:5000/shop/checkout:1.4.2',
          command: ['./migrate', 'up'],
          env: [
            { name: 'DB_HOST', value: 'db' },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
        },
      ],
    });
  });

  it('names the Job the same for the same deployment, and differently for another', () => {
    expect(migrationJobName('checkout', 'dep-1')).toBe(
      migrationJobName('checkout', 'dep-1'),
    );
    expect(migrationJobName('checkout', 'dep-1')).not.toBe(
      migrationJobName('checkout', 'dep-2'),
    );
    expect(migrationJobName('checkout', 'dep-1')).toMatch(
      /^checkout-migrate-[a-f0-9]{10}$/,
    );
  });

  it('keeps the Job name a DNS label for a 63-character service name', () => {
    const name = migrationJobName(`${'a'.repeat(52)}-${'b'.repeat(10)}`, 'x');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('refuses a service without a migration step', () => {
    const { migration: _, ...spec } = checkout.spec;
    expect(() =>
      renderMigrationJob(
        { ...checkout, spec },
        channel('dev'),
        'slipway-dev',
        '1',
        'dep-1',
      ),
    ).toThrow('Service checkout has no migration step');
  });
});

describe('resolveNamespace', () => {
  it.each([
    ['slipway-{channel}', 'slipway-prod'],
    ['{service}-{channel}', 'checkout-prod'],
    ['payments', 'payments'],
  ])('resolves %s to %s', (pattern, namespace) => {
    expect(
      resolveNamespace(pattern, { service: 'checkout', channel: 'prod' }),
    ).toBe(namespace);
  });

  it('rejects a result that is not a DNS label, saying why', () => {
    expect(() =>
      resolveNamespace('{service}-{channel}', {
        service: 'a'.repeat(60),
        channel: 'prod',
      }),
    ).toThrow(
      'is not a valid namespace name: it must be at most 63 characters',
    );
    expect(() =>
      resolveNamespace('Slipway_{channel}', {
        service: 'checkout',
        channel: 'prod',
      }),
    ).toThrow('must contain only lowercase letters');
  });

  it('rejects an unknown placeholder', () => {
    expect(() =>
      resolveNamespace('{team}-{channel}', {
        service: 'checkout',
        channel: 'prod',
      }),
    ).toThrow('unknown placeholder {team}');
  });
});

describe('versionOfImage', () => {
  it.each([
    ['registry.example.com:5000/shop/checkout:1.4.2', '1.4.2'],
    [`checkout@${DIGEST}`, DIGEST],
    ['registry.example.com:5000/shop/checkout', undefined],
  ])('reads the version of %s', (image, version) => {
    expect(versionOfImage(image)).toBe(version);
  });
});
