import { channel, checkout } from './__testUtils__/checkoutService';
import { migrationJobName, renderMigrationJob } from './migrationJob';

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
