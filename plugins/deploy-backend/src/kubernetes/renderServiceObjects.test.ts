import {
  channel,
  checkout,
} from './serviceObjects/__testUtils__/checkoutService';
import { renderServiceObjects } from './renderServiceObjects';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

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
