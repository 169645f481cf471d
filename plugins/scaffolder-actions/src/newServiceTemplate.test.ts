// The new-service template as the scaffolder runs it, without a cluster: the
// real scaffolder backend dry-runs templates/new-service (its
// fetch:template steps render the skeleton), with this module's actions and
// the deploy backend replaced at its edge; then the real kustomize builds the
// rendered deploy/ tree for every channel. newServiceTemplate.cluster.test.ts
// runs the same template for real against the local cluster.
import fs from 'node:fs';
import path from 'node:path';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import request from 'supertest';
import yaml from 'yaml';
import { BuiltObject, kustomizeBuild } from './__testUtils__/kustomizeBuild';
import { newServiceTemplateForDryRun } from './__testUtils__/newServiceTemplate';
import { createCheckServiceNameAction } from './actions/checkServiceName';
import { createCreateServiceAction } from './actions/createService';
import { createPublishLocalAction } from './actions/publishLocal';
import { DeployBackendClient } from './client/DeployBackendClient';
import { kustomizeTreeFor } from './manifests/kustomizeTreeFor';

jest.setTimeout(60_000);

const CHANNELS = ['dev', 'staging', 'prod'];

/** This module's actions, with the deploy backend faked at the client. */
const deployActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'deploy-test',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        const catalog = catalogServiceMock();
        const deployBackend = {
          findService: async () => undefined,
          renderService: async () =>
            CHANNELS.map(channel => ({
              channel,
              namespace: `slipway-${channel}`,
              objects: [],
            })),
        } as unknown as DeployBackendClient;
        scaffolder.addActions(
          createCheckServiceNameAction(),
          createPublishLocalAction({
            catalog,
            directory: createMockDirectory().path,
          }),
          createCreateServiceAction({
            catalog,
            deployBackendFor: () => deployBackend,
          }),
        );
      },
    });
  },
});

describe('the new-service template', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        deployActions,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
  });
  afterAll(() => backend?.stop());

  /** Dry-runs the template; returns the workspace it leaves, written out. */
  async function runTemplate(values: Record<string, unknown>) {
    const response = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ ...newServiceTemplateForDryRun(), values });
    expect(response.status).toBe(200);
    const workspace = createMockDirectory();
    const files: Array<{ path: string; base64Content: string }> =
      response.body.directoryContents;
    for (const file of files) {
      workspace.addContent({
        [file.path]: Buffer.from(file.base64Content, 'base64').toString('utf8'),
      });
    }
    return {
      files: files.map(file => file.path).sort(),
      service: (...parts: string[]) =>
        path.join(workspace.path, 'service', ...parts),
    };
  }

  async function buildChannels(deployDir: string) {
    return Object.fromEntries(
      await Promise.all(
        CHANNELS.map(async channel => [
          channel,
          await kustomizeBuild(path.join(deployDir, 'channels', channel)),
        ]),
      ),
    ) as Record<string, BuiltObject[]>;
  }

  const values = {
    name: 'checkout',
    owner: 'group:default/team-payments',
    description: 'Takes the money',
    image: 'registry.example.com/shop/checkout',
    port: 8080,
  };

  it('writes the entity, its README and a deploy/ Kustomize tree that builds for every channel', async () => {
    const { files, service } = await runTemplate({
      ...values,
      migrationCommand: ' ./migrate  up ',
    });

    expect(files).toEqual([
      'service/README.md',
      'service/catalog-info.yaml',
      'service/deploy/base/deployment.yaml',
      'service/deploy/base/kustomization.yaml',
      'service/deploy/base/migrate-job.yaml',
      'service/deploy/base/service.yaml',
      'service/deploy/base/serviceaccount.yaml',
      'service/deploy/channels/dev/kustomization.yaml',
      'service/deploy/channels/prod/kustomization.yaml',
      'service/deploy/channels/staging/kustomization.yaml',
    ]);
    const entity = yaml.parse(
      fs.readFileSync(service('catalog-info.yaml'), 'utf8'),
    );
    expect(entity.metadata.annotations).toEqual({
      'slipway.dev/service': 'checkout',
      'slipway.dev/manifests': './deploy',
      'backstage.io/kubernetes-id': 'checkout',
    });

    const built = await buildChannels(service('deploy'));
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
      const [service_, deployment, job] = objects.slice(1);
      expect(service_.spec).toMatchObject({
        type: 'ClusterIP',
        ports: [{ name: 'http', port: 8080, targetPort: 'http' }],
      });
      expect(service_.spec.selector).toEqual(
        deployment.spec.selector.matchLabels,
      );
      expect(deployment.spec.template.spec).toMatchObject({
        serviceAccountName: 'checkout',
        containers: [
          {
            name: 'app',
            // The repository without a tag: Slipway injects each version.
            image: 'registry.example.com/shop/checkout',
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
          },
        ],
      });
      expect(job.metadata.annotations).toEqual({
        'slipway.dev/phase': 'pre-rollout',
      });
      expect(job.spec).toMatchObject({
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: 'checkout',
            containers: [
              {
                name: 'migrate',
                image: 'registry.example.com/shop/checkout',
                command: ['./migrate', 'up'],
              },
            ],
          },
        },
      });
    }
    expect(CHANNELS.map(channel => built[channel][2].spec.replicas)).toEqual([
      1, 1, 2,
    ]);
  });

  it.each([
    ['no migration command', {}],
    ['a blank one', { migrationCommand: '  ' }],
  ])('writes no migration Job with %s', async (_, migration) => {
    const { files, service } = await runTemplate({ ...values, ...migration });

    expect(files).not.toContain('service/deploy/base/migrate-job.yaml');
    const built = await buildChannels(service('deploy'));
    for (const channel of CHANNELS) {
      expect(built[channel].map(o => o.kind)).toEqual([
        'ServiceAccount',
        'Service',
        'Deployment',
      ]);
    }
  });

  it('starts a service on the tree deploy:service:write-manifests writes for the same spec', async () => {
    const { service } = await runTemplate({
      ...values,
      migrationCommand: './migrate up',
    });
    const written = createMockDirectory();
    for (const file of kustomizeTreeFor(
      {
        name: 'checkout',
        entityRef: 'component:default/checkout',
        ownerRef: 'group:default/team-payments',
        spec: {
          image: 'registry.example.com/shop/checkout',
          port: 8080,
          channels: { prod: { replicas: 2, env: {} } },
          migration: {
            command: ['./migrate', 'up'],
            timeoutSeconds: 600,
            retries: 0,
          },
        },
        createdAt: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-01T00:00:00.000Z',
      },
      CHANNELS,
    )) {
      written.addContent({ [file.path]: file.content });
    }

    expect(await buildChannels(written.path)).toEqual(
      await buildChannels(service('deploy')),
    );
  });
});
