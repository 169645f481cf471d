import fs from 'node:fs/promises';
import path from 'node:path';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { answerNamingService } from '../../__testUtils__/answerNamingService';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  Deployment,
  DeploymentDetails,
  DeploymentStatus,
} from '@slipway/plugin-deploy-common';
import request from 'supertest';
import { deployPlugin } from '../../plugin';
import { waitFor } from '../../kubernetes/__testUtils__/localCluster';

export const alice = mockCredentials.user.header('user:default/alice');

export const FINAL_STATUSES: DeploymentStatus[] = [
  'succeeded',
  'failed',
  'rolled_back',
  'cancelled',
  'rejected',
];

/** The release channels of the lifecycle tests, each in its own namespace. */
export const LIFECYCLE_CHANNELS = {
  /** Sets the API server refuses as invalid. */
  invalid: { namespace: 'slipway-dev', progressDeadlineSeconds: 30 },
  /** The fault namespace: its quota and RoleBinding are the tests' to change. */
  faults: { namespace: 'slipway-faults', progressDeadlineSeconds: 60 },
  soak: {
    namespace: 'slipway-staging',
    progressDeadlineSeconds: 60,
    soakSeconds: 60,
  },
  oncall: { namespace: 'slipway-prod', progressDeadlineSeconds: 60 },
  /** Many short rollouts; a deadline short enough to matter, long enough for a busy machine. */
  judge: { namespace: 'slipway-sandbox', progressDeadlineSeconds: 30 },
} as const;

export type LifecycleChannel = keyof typeof LIFECYCLE_CHANNELS;

function channelsConfig(overrides: Partial<Record<LifecycleChannel, object>>) {
  return Object.entries(LIFECYCLE_CHANNELS).map(([name, settings]) => ({
    name,
    cluster: 'local',
    ...settings,
    ...overrides[name as LifecycleChannel],
  }));
}

/**
 * A catalog in which every component exists, names the service of its own
 * name and is owned by team-test; those named in `manifests` carry the annotation that makes Slipway deploy their
 * own manifests, published locally under `root/<name>/deploy`.
 */
function lifecycleCatalog(root: string, manifests: Set<string>) {
  const entityOf = (ref: string): Entity | undefined => {
    const { kind, namespace, name } = parseEntityRef(ref);
    if (kind.toLocaleLowerCase('en-US') !== 'component') {
      return undefined;
    }
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace,
        annotations: {
          'slipway.dev/service': name,
          ...(manifests.has(name) && {
            'backstage.io/managed-by-location': `file:${path.join(
              root,
              name,
              'catalog-info.yaml',
            )}`,
            'slipway.dev/manifests': './deploy',
          }),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/team-test',
      },
    };
  };
  return catalogServiceMock.mock({
    getEntityByRef: async ref =>
      entityOf(typeof ref === 'string' ? ref : `component:default/${ref.name}`),
    getEntitiesByRefs: async ({ entityRefs }) => ({
      items: entityRefs.map(entityOf),
    }),
    getEntities: answerNamingService(service =>
      entityOf(`component:default/${service}`),
    ),
  });
}

export type TestKnex = Awaited<ReturnType<TestDatabases['init']>>;

/** The response's body when it has `status`; otherwise fails saying what the server answered. */
function expectStatus(
  response: { status: number; body: any },
  status: number,
  what: string,
) {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected HTTP ${status}, got ${
        response.status
      }: ${JSON.stringify(response.body?.error ?? response.body)}`,
    );
  }
  return response.body;
}

/** The deploy API as a user (alice, allowed everything) calls it. */
export class LifecycleApi {
  constructor(
    readonly server: any,
    readonly stop: () => Promise<void>,
    private readonly manifestsRoot: string,
    private readonly manifestServices: Set<string>,
  ) {}

  post(url: string, body: object = {}) {
    return request(this.server)
      .post(`/api/deploy${url}`)
      .set('Authorization', alice)
      .send(body);
  }

  /** Registers a service with the generated spec, one replica in every channel. */
  async register(name: string, env?: Record<string, string>) {
    return this.post('/services', {
      name,
      entityRef: `component:default/${name}`,
      spec: {
        image: `registry.local/shop/${name}`,
        port: 8080,
        channels: Object.fromEntries(
          Object.keys(LIFECYCLE_CHANNELS).map(channel => [
            channel,
            { replicas: 1, ...(env && { env }) },
          ]),
        ),
      },
    });
  }

  /** Publishes a service's own manifests (replacing what was there) and registers it. */
  async publishManifests(name: string, files: Record<string, string>) {
    const dir = path.join(this.manifestsRoot, name, 'deploy');
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      await fs.writeFile(path.join(dir, file), content);
    }
    if (!this.manifestServices.has(name)) {
      this.manifestServices.add(name);
      const response = await this.post('/services', {
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.local/shop/${name}`,
          port: 8080,
          channels: {},
        },
      });
      expectStatus(response, 201, `registering ${name}`);
    }
  }

  /** Requests a deployment; the promotion order is not what these tests are about. */
  deploy(service: string, channel: LifecycleChannel, version: string) {
    return this.post('/deployments', {
      service,
      channel,
      version,
      overrideReason: 'lifecycle test: any channel in any order',
    });
  }

  /** Requests a deployment that must be accepted; returns its id. */
  async requestDeployment(
    service: string,
    channel: LifecycleChannel,
    version: string,
  ): Promise<string> {
    const response = await this.deploy(service, channel, version);
    return (
      expectStatus(
        response,
        201,
        `deploying ${version} of ${service} to ${channel}`,
      ) as Deployment
    ).id;
  }

  async rollback(service: string, channel: LifecycleChannel): Promise<string> {
    const response = await this.post(
      `/services/${service}/channels/${channel}/rollback`,
    );
    return (
      expectStatus(
        response,
        201,
        `rolling back ${service} in ${channel}`,
      ) as Deployment
    ).id;
  }

  async cancel(id: string): Promise<Deployment> {
    const response = await this.post(`/deployments/${id}/cancel`);
    return expectStatus(response, 200, `cancelling ${id}`);
  }

  async details(id: string): Promise<DeploymentDetails> {
    const response = await request(this.server)
      .get(`/api/deploy/deployments/${id}`)
      .set('Authorization', alice);
    return expectStatus(response, 200, `reading deployment ${id}`);
  }

  /** Polls (every 200 ms) until the deployment is in one of `statuses`. */
  async waitForStatus(
    id: string,
    statuses: DeploymentStatus[],
    timeoutMs = 90_000,
  ): Promise<DeploymentDetails> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await this.details(id);
      if (statuses.includes(d.deployment.status)) {
        return d;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for deployment ${id} to be ${statuses.join(
            ' or ',
          )}; it is ${d.deployment.status}: ${d.events
            .map(e => `${e.type}: ${e.message}`)
            .join(' | ')}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  finished(id: string, timeoutMs?: number) {
    return this.waitForStatus(id, FINAL_STATUSES, timeoutMs);
  }

  /** Waits until the deployment has applied its set and is rolling out. */
  rollingOut(id: string) {
    return waitFor(
      `deployment ${id} to roll out`,
      async () => {
        const d = await this.details(id);
        if (FINAL_STATUSES.includes(d.deployment.status)) {
          throw new Error(
            `deployment ${id} ended (${d.deployment.status}) before it rolled out`,
          );
        }
        return (
          d.deployment.status === 'rolling_out' &&
          d.events.some(e => e.type === 'rollout-started') &&
          d
        );
      },
      60_000,
    );
  }

  /** Deploys and waits for the end; the deployment must succeed. */
  async deploySucceeded(
    service: string,
    channel: LifecycleChannel,
    version: string,
  ): Promise<DeploymentDetails> {
    const id = await this.requestDeployment(service, channel, version);
    const done = await this.finished(id);
    if (done.deployment.status !== 'succeeded') {
      throw new Error(
        `${version} of ${service} in ${channel} did not succeed: ${describeEnd(
          done,
        )}`,
      );
    }
    return done;
  }
}

/**
 * The deploy plugin in a test backend on `knex`, deploying through the local
 * cluster's least-privilege account, with its API over HTTP.
 */
export async function startLifecycleBackend(options: {
  knex: TestKnex;
  /** Where services' own manifests are published (deploy.localPublish.directory). */
  manifestsRoot: string;
  channelOverrides?: Partial<Record<LifecycleChannel, object>>;
}) {
  const manifestServices = new Set<string>();
  const config: JsonObject = {
    deploy: {
      clusters: [
        { name: 'local', kubeconfigPath: process.env.SLIPWAY_KUBECONFIG! },
      ],
      worker: { pollIntervalMs: 200, concurrency: 8 },
      api: { validateResponses: true },
      localPublish: { directory: options.manifestsRoot },
      channels: channelsConfig(options.channelOverrides ?? {}),
    },
  };
  const backend = await startTestBackend({
    features: [
      lifecycleCatalog(options.manifestsRoot, manifestServices).factory,
      deployPlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  return new LifecycleApi(
    backend.server,
    () => backend.stop(),
    options.manifestsRoot,
    manifestServices,
  );
}

/** A deployment's final status with its timeline, so a failed expectation says why. */
export function describeEnd(d: DeploymentDetails): string {
  return d.deployment.status === 'succeeded'
    ? 'succeeded'
    : `${d.deployment.status}: ${d.events
        .map(e => `${e.type}: ${e.message}`)
        .join(' | ')}`;
}

/** Seconds from `fromMs` to when the deployment ended, as the store recorded it. */
export function secondsUntilEnd(d: DeploymentDetails, fromMs: number): number {
  const end = Date.parse(
    d.deployment.finishedAt ?? d.events[d.events.length - 1].createdAt,
  );
  return Math.round(end - fromMs) / 1000;
}
