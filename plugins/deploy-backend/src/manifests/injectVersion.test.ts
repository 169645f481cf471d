import { injectVersion, repositoryOf } from './injectVersion';

const deployment = (images: string[], init: string[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    template: {
      spec: {
        initContainers: init.map((image, i) => ({ name: `init${i}`, image })),
        containers: images.map((image, i) => ({ name: `c${i}`, image })),
      },
    },
  },
});

describe('repositoryOf', () => {
  it.each([
    ['registry.example.com/web', 'registry.example.com/web'],
    ['registry.example.com/web:1.2.3', 'registry.example.com/web'],
    ['registry.example.com:5000/web:1', 'registry.example.com:5000/web'],
    ['registry.example.com:5000/web', 'registry.example.com:5000/web'],
    [`web@sha256:${'a'.repeat(64)}`, 'web'],
    [`web:1@sha256:${'a'.repeat(64)}`, 'web'],
  ])('%s → %s', (image, repository) => {
    expect(repositoryOf(image)).toBe(repository);
  });
});

describe('injectVersion', () => {
  it('sets the version on every container and init container of the repository, in every workload kind', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: 'run', image: 'shop/web' }] },
            },
          },
        },
      },
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'd', image: 'shop/web:old' }] },
    };
    const { objects, injected } = injectVersion(
      [
        deployment(['shop/web:latest', 'envoyproxy/envoy:v1.30'], ['shop/web']),
        cronJob,
        pod,
      ],
      'shop/web',
      '2.0.0',
    );
    expect(
      objects[0].spec.template.spec.containers.map((c: any) => c.image),
    ).toEqual(['shop/web:2.0.0', 'envoyproxy/envoy:v1.30']);
    expect(objects[0].spec.template.spec.initContainers[0].image).toBe(
      'shop/web:2.0.0',
    );
    expect(
      objects[1].spec.jobTemplate.spec.template.spec.containers[0].image,
    ).toBe('shop/web:2.0.0');
    expect(objects[2].spec.containers[0].image).toBe('shop/web:2.0.0');
    expect(injected).toHaveLength(4);
  });

  it('pins a digest with @', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const { objects } = injectVersion(
      [deployment(['shop/web:1'])],
      'shop/web',
      digest,
    );
    expect(objects[0].spec.template.spec.containers[0].image).toBe(
      `shop/web@${digest}`,
    );
  });

  it('does not touch a repository that only shares a prefix', () => {
    expect(() =>
      injectVersion([deployment(['shop/web-admin:1'])], 'shop/web', '2'),
    ).toThrow(
      'No container in the manifests uses the service\'s image repository "shop/web"',
    );
  });

  it('refuses a set in which nothing matched, listing the images it saw', () => {
    expect(() =>
      injectVersion([deployment(['nginx:1.27'])], 'shop/web', '2'),
    ).toThrow('images found: nginx:1.27');
  });

  it('leaves the input unchanged', () => {
    const input = deployment(['shop/web:1']);
    injectVersion([input], 'shop/web', '2');
    expect(input.spec.template.spec.containers[0].image).toBe('shop/web:1');
  });
});
