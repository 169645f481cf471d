import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Service } from '@slipway/plugin-deploy-common';
import yaml from 'yaml';
import { BuiltObject, kustomizeBuild } from '../__testUtils__/kustomizeBuild';
import { DeployBackendClient } from '../client/DeployBackendClient';
import { createWriteManifestsAction } from './writeManifests';
import { examples } from './writeManifests.examples';

const CHANNELS = ['dev', 'staging', 'prod'];
const IMAGE = 'registry.example.com:5000/shop/checkout';

const checkout: Service = {
  name: 'checkout',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-payments',
  spec: {
    image: IMAGE,
    port: 8080,
    channels: {
      dev: { replicas: 1, env: { LOG_LEVEL: 'debug', VERBOSE: 'yes' } },
      prod: {
        replicas: 3,
        env: {
          DATABASE_PASSWORD: {
            secretKeyRef: { name: 'checkout-db', key: 'password' },
          },
          REGION: { configMapKeyRef: { name: 'site', key: 'region' } },
        },
      },
    },
    migration: {
      command: ['sh', '-c', './migrate up'],
      timeoutSeconds: 300,
      retries: 2,
    },
  },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

/** The deploy backend as the action sees it: the edge these tests replace. */
function setUp(service: Service | undefined) {
  const deployBackend = {
    findService: jest.fn(async () => service),
    listChannels: jest.fn(async () =>
      CHANNELS.map((name, order) => ({ name, order })),
    ),
  };
  const deployBackendFor = jest.fn(
    () => deployBackend as unknown as DeployBackendClient,
  );
  return {
    action: createWriteManifestsAction({ deployBackendFor }),
    deployBackend,
    deployBackendFor,
  };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(file => fs.statSync(path.join(dir, file)).isFile())
    .map(file => file.split(path.sep).join('/'))
    .sort();
}

function find(objects: BuiltObject[], kind: string) {
  const found = objects.find(o => o.kind === kind);
  if (!found) {
    throw new Error(
      `no ${kind} in ${objects.map(o => o.kind).join(', ') || 'nothing'}`,
    );
  }
  return found;
}

describe('deploy:service:write-manifests', () => {
  it("writes the service's spec as a Kustomize tree that builds for every channel", async () => {
    const { action, deployBackend, deployBackendFor } = setUp(checkout);
    const ctx = createMockActionContext({ input: { service: 'checkout' } });

    await action.handler(ctx);

    expect(deployBackendFor).toHaveBeenCalledWith(
      await ctx.getInitiatorCredentials(),
    );
    expect(deployBackend.findService).toHaveBeenCalledWith('checkout');
    const written = [
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/migrate-job.yaml',
      'base/service.yaml',
      'base/serviceaccount.yaml',
      'channels/dev/kustomization.yaml',
      'channels/prod/kustomization.yaml',
      'channels/staging/kustomization.yaml',
    ];
    expect(filesUnder(ctx.workspacePath)).toEqual(
      written.map(file => `deploy/${file}`),
    );
    expect(ctx.output).toHaveBeenCalledWith('targetPath', 'deploy');
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining(written.map(file => `deploy/${file}`)),
    );
    expect(ctx.output).toHaveBeenCalledWith('channels', CHANNELS);

    const built = Object.fromEntries(
      await Promise.all(
        CHANNELS.map(async channel => [
          channel,
          await kustomizeBuild(
            path.join(ctx.workspacePath, 'deploy/channels', channel),
          ),
        ]),
      ),
    ) as Record<string, BuiltObject[]>;

    for (const channel of CHANNELS) {
      const objects = built[channel];
      expect(objects.map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
        'ServiceAccount checkout',
        'Service checkout',
        'Deployment checkout',
        'Job checkout-migrate',
      ]);
      // Slipway puts every object into the channel's namespace.
      expect(objects.filter(o => o.metadata.namespace)).toEqual([]);
      // The labels Slipway's generated objects select by: a Deployment's
      // selector cannot change, so a running service can take these.
      const selector = {
        'app.kubernetes.io/name': 'checkout',
        'app.kubernetes.io/component': 'app',
        'slipway.dev/channel': channel,
      };
      const deployment = find(objects, 'Deployment');
      expect(deployment.spec.selector.matchLabels).toEqual(selector);
      expect(find(objects, 'Service').spec).toMatchObject({
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 8080, targetPort: 'http' }],
      });
      const [app] = deployment.spec.template.spec.containers;
      expect(app).toMatchObject({
        name: 'app',
        // The repository without a tag: Slipway injects each version.
        image: IMAGE,
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { tcpSocket: { port: 'http' } },
        livenessProbe: {
          tcpSocket: { port: 'http' },
          initialDelaySeconds: 10,
        },
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { memory: '256Mi' },
        },
      });
      expect(deployment.spec.template.spec.serviceAccountName).toBe('checkout');
      const job = find(objects, 'Job');
      expect(job.metadata.annotations).toEqual({
        'slipway.dev/phase': 'pre-rollout',
      });
      expect(job.spec).toMatchObject({
        backoffLimit: 2,
        activeDeadlineSeconds: 300,
        template: {
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: 'checkout',
            containers: [
              {
                name: 'migrate',
                image: IMAGE,
                command: ['sh', '-c', './migrate up'],
              },
            ],
          },
        },
      });
    }

    const replicas = (channel: string) =>
      find(built[channel], 'Deployment').spec.replicas;
    expect(CHANNELS.map(replicas)).toEqual([1, 1, 3]);

    // Each channel's env, sorted by name, for the app and its migration.
    const envOf = (channel: string, kind: string) =>
      find(built[channel], kind).spec.template.spec.containers[0].env;
    for (const kind of ['Deployment', 'Job']) {
      expect(envOf('dev', kind)).toEqual([
        { name: 'LOG_LEVEL', value: 'debug' },
        // A string in every YAML parser, not the boolean of YAML 1.1.
        { name: 'VERBOSE', value: 'yes' },
      ]);
      expect(envOf('staging', kind)).toBeUndefined();
      expect(envOf('prod', kind)).toEqual([
        {
          name: 'DATABASE_PASSWORD',
          valueFrom: { secretKeyRef: { name: 'checkout-db', key: 'password' } },
        },
        {
          name: 'REGION',
          valueFrom: { configMapKeyRef: { name: 'site', key: 'region' } },
        },
      ]);
    }
  });

  it('writes no migration Job for a service without one', async () => {
    const { action } = setUp({
      ...checkout,
      spec: { ...checkout.spec, migration: undefined },
    });
    const ctx = createMockActionContext({
      input: { service: 'checkout', targetPath: 'k8s/checkout' },
    });

    await action.handler(ctx);

    expect(
      filesUnder(path.join(ctx.workspacePath, 'k8s/checkout')),
    ).not.toContain('base/migrate-job.yaml');
    const objects = await kustomizeBuild(
      path.join(ctx.workspacePath, 'k8s/checkout/channels/prod'),
    );
    expect(objects.map(o => o.kind)).toEqual([
      'ServiceAccount',
      'Service',
      'Deployment',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('targetPath', 'k8s/checkout');
  });

  it('refuses a literal env value Slipway hides from the user, writing nothing', async () => {
    const { action } = setUp({
      ...checkout,
      spec: {
        ...checkout.spec,
        channels: { dev: { replicas: 1, env: { API_KEY: { hidden: true } } } },
      },
    });
    const ctx = createMockActionContext({ input: { service: 'checkout' } });

    await expect(action.handler(ctx)).rejects.toThrow(
      /Slipway hides the value of API_KEY in dev from you.*deploy\.service\.update/,
    );
    expect(filesUnder(ctx.workspacePath)).toEqual([]);
  });

  it('says so when the service is not registered', async () => {
    const { action } = setUp(undefined);
    const ctx = createMockActionContext({ input: { service: 'checkout' } });

    await expect(action.handler(ctx)).rejects.toThrow(
      'Slipway has no service named "checkout" (or you may not see it); register it first',
    );
  });

  it('refuses a name that is not a DNS label before calling Slipway', async () => {
    const { action, deployBackendFor } = setUp(checkout);
    const ctx = createMockActionContext({ input: { service: 'Check_Out' } });

    await expect(action.handler(ctx)).rejects.toThrow(
      'Service name "Check_Out" must contain only lowercase letters',
    );
    expect(deployBackendFor).not.toHaveBeenCalled();
  });

  it('leaves a directory that has files alone, unless told to overwrite', async () => {
    const { action } = setUp(checkout);
    const ctx = createMockActionContext({ input: { service: 'checkout' } });
    fs.mkdirSync(path.join(ctx.workspacePath, 'deploy'), { recursive: true });
    fs.writeFileSync(path.join(ctx.workspacePath, 'deploy/notes.md'), 'ours');

    await expect(action.handler(ctx)).rejects.toThrow(
      'deploy already has files in the workspace; choose another targetPath, or set overwrite',
    );
    expect(filesUnder(ctx.workspacePath)).toEqual(['deploy/notes.md']);

    await action.handler({ ...ctx, input: { ...ctx.input, overwrite: true } });
    expect(filesUnder(ctx.workspacePath)).toContain(
      'deploy/channels/prod/kustomization.yaml',
    );
    expect(filesUnder(ctx.workspacePath)).toContain('deploy/notes.md');
  });

  it('refuses a target outside the workspace', async () => {
    const { action } = setUp(checkout);
    const ctx = createMockActionContext({
      input: { service: 'checkout', targetPath: '../elsewhere' },
    });

    await expect(action.handler(ctx)).rejects.toThrow(/outside/);
  });

  it('does the same in a dry run: only the workspace changes', async () => {
    const { action } = setUp(checkout);
    const ctx = {
      ...createMockActionContext({ input: { service: 'checkout' } }),
      isDryRun: true,
    };

    await action.handler(ctx);

    expect(filesUnder(ctx.workspacePath)).toContain(
      'deploy/base/deployment.yaml',
    );
  });

  it('runs its documented examples', async () => {
    for (const example of examples) {
      const { action } = setUp(checkout);
      const step = yaml
        .parse(example.example)
        .steps.find((s: { action: string }) => s.action === action.id);
      const ctx = createMockActionContext({
        input: { ...step.input, service: 'checkout' },
      });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith(
        'targetPath',
        step.input.targetPath ?? 'deploy',
      );
    }
  });
});
