import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  CreateDeploymentRequest,
  DeploymentStatus,
  PublishReleaseRequest,
  RegisterServiceRequest,
  RenderServiceRequest,
  Service,
  deployApprovePermission,
  deployCreatePermission,
  deployReadPermission,
  deployRollbackPermission,
  releasePublishPermission,
  serviceUpdatePermission,
} from '@slipway/plugin-deploy-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { DeploymentStore } from './database/DeploymentStore';
import { createErrorHandler } from './http/errorHandler';
import { routeDeadline } from './http/routeDeadline';
import { ClusterClient } from './kubernetes/ClusterClient';
import { RolloutWatcher } from './kubernetes/RolloutWatcher';
import { resolveNamespace } from './kubernetes/serviceObjects/resolveNamespace';
import {
  DeployAuthorizer,
  readableServices,
} from './permissions/DeployAuthorizer';
import { createOpenApiRouter } from './schema/openapi';
import { readServiceStatus, workloadsRunning } from './service/serviceStatus';
import { DeployService } from './service/DeployService';
import { hideLiteralEnv } from './service/hideLiteralEnv';
import { callerOf } from './service/callerOf';
import { audited as auditedCall } from './service/audited';
import { requestDeployment } from './service/requestDeployment';
import { hideSetEnv } from './manifests/hideSetEnv';
import { SetObject } from './manifests/renderedSet';

/** What the routes need; plugin.ts wires the real ones, tests may swap them. */
export interface RouterOptions {
  knex: Knex;
  store: DeploymentStore;
  deployService: DeployService;
  watcher: RolloutWatcher;
  clusterFor: (name: string) => ClusterClient;
  httpAuth: HttpAuthService;
  authorizer: DeployAuthorizer;
  auditor: AuditorService;
  /**
   * The owner of the catalog entity that registers a service, as Slipway
   * reads it with its own credentials; fails when the entity may not
   * register that service name (catalog/checkServiceClaim).
   */
  entityOwnerOf: (entityRef: string, service: string) => Promise<string>;
  logger: LoggerService;
  /** Validate responses against the spec too; the tests turn it on. */
  validateResponses?: boolean;
  /** How long any request may take before it is answered with 503. */
  requestTimeoutMs?: number;
}

const BODY_LIMIT = '64kb';
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
const DEFAULT_LOG_LINES = 1000;
/** A log read never returns more than this, whatever the lines. */
const LOG_LIMIT_BYTES = 256 * 1024;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    knex,
    store,
    deployService,
    watcher,
    clusterFor,
    httpAuth,
    authorizer,
    auditor,
    entityOwnerOf,
    logger,
  } = options;
  const outer = Router();
  outer.use(
    routeDeadline(
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logger,
    ),
  );
  // Bodies are parsed before the validated router, so an oversized one gets
  // body-parser's 413 instead of the validator's blanket 400.
  outer.use(express.json({ limit: BODY_LIMIT }));
  // The router generated from src/schema/openapi.yaml: requests are validated
  // against the spec before any handler runs, and handlers are typed by it.
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: BODY_LIMIT })],
    validatorOptions: {
      validateRequests: {
        // Bodies are JSON and must carry their types: coercion would store
        // `replicas: null` as 0 and `command: [null]` as [""]. Path and query
        // parameters, which are strings on the wire, are coerced regardless.
        coerceTypes: false,
        allowUnknownQueryParameters: false,
      },
      validateResponses: options.validateResponses ?? false,
    },
  });
  outer.use(router);
  outer.use(createErrorHandler(logger));

  // Any route's request: the typed router types each one's params and query.
  const credentialsOf = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** A state-changing call inside an audit event with the request's caller. */
  const audited = <T>(
    req: express.Request,
    eventId: string,
    meta: Record<string, string | undefined>,
    action: () => Promise<T>,
  ) => auditedCall(auditor, { eventId, meta, request: req }, action);

  /** The service as this caller may see it: literal env values only for those who may update it. */
  async function shown(
    credentials: BackstageCredentials,
    services: Service[],
  ): Promise<Service[]> {
    const mayUpdate = await authorizer.allowsService(
      credentials,
      serviceUpdatePermission,
      services,
    );
    return services.map((s, i) => (mayUpdate[i] ? s : hideLiteralEnv(s)));
  }

  /** A registered service the caller may read; otherwise 403 (404 when it does not exist). */
  async function readableService(
    credentials: BackstageCredentials,
    name: string,
  ): Promise<Service> {
    const service = await deployService.service(name);
    await authorizer.authorizeService(
      credentials,
      deployReadPermission,
      service,
    );
    return service;
  }

  /** A service as registering it would make it: the owner is the catalog entity's. */
  async function registrationOf(request: RegisterServiceRequest) {
    return {
      ...request,
      ownerRef: await entityOwnerOf(request.entityRef, request.name),
    };
  }

  router.get('/health', async (_req, res) => {
    await knex.raw('select 1');
    res.json({ status: 'ok' });
  });

  router.get('/channels', async (req, res) => {
    await credentialsOf(req);
    res.json({ items: deployService.listChannels() });
  });

  router.get('/services', async (req, res) => {
    const credentials = await credentialsOf(req);
    const filter = await authorizer.serviceFilter(
      credentials,
      deployReadPermission,
    );
    const items = await store.listServices({
      ownerRef: req.query.owner as string | undefined,
      readable: readableServices(filter),
    });
    res.json({ items: await shown(credentials, items) });
  });

  router.post('/services', async (req, res) => {
    const credentials = await credentialsOf(req);
    const body = req.body as RegisterServiceRequest;
    const service = await audited(
      req,
      'service-register',
      {
        service: body.name,
        entityRef: body.entityRef,
        permission: serviceUpdatePermission.name,
      },
      async () => {
        const registration = await registrationOf(body);
        // Only the current owners may change a registered service, and only
        // the entity's owners may register it.
        const existing = await store.getService(body.name);
        if (existing) {
          await authorizer.authorizeService(
            credentials,
            serviceUpdatePermission,
            existing,
          );
        }
        await authorizer.authorizeService(
          credentials,
          serviceUpdatePermission,
          registration,
        );
        return deployService.registerService(registration);
      },
    );
    res.status(201).json(service);
  });

  // A pure function of the body and the channels' config: it changes and
  // reveals nothing, so any signed-in caller may use it (a template's dry
  // run comes before the catalog entity exists).
  router.post('/services/render', async (req, res) => {
    await credentialsOf(req);
    const { version, ...request } = req.body as RenderServiceRequest;
    res.json({ items: deployService.renderChannels(request, version) });
  });

  router.post(
    '/services/:service/channels/:channel/provision',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      const { service, channel } = req.params;
      const provisioned = await audited(
        req,
        'service-provision',
        { service, channel, permission: deployCreatePermission.name },
        async () => {
          const registered = await deployService.service(service);
          deployService.channel(channel);
          await authorizer.authorizeTarget(
            credentials,
            deployCreatePermission,
            {
              service,
              channel,
              ownerRef: registered.ownerRef,
            },
          );
          return deployService.provisionChannel(service, channel, clusterFor);
        },
      );
      res.json(provisioned);
    },
  );

  router.get('/services/:service', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    const [visible] = await shown(credentials, [service]);
    res.json(visible);
  });

  router.post('/services/:service/releases', async (req, res) => {
    const credentials = await credentialsOf(req);
    const body = req.body as PublishReleaseRequest;
    const { release, created } = await audited(
      req,
      'release-publish',
      {
        service: req.params.service,
        version: body.version,
        permission: releasePublishPermission.name,
      },
      async () => {
        const service = await deployService.service(req.params.service);
        await authorizer.authorizeService(
          credentials,
          releasePublishPermission,
          service,
        );
        return deployService.publishRelease(
          service.name,
          body,
          callerOf(credentials).userEntityRef,
        );
      },
    );
    res.status(created ? 201 : 200).json(release);
  });

  router.get('/services/:service/releases', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    res.json(
      await deployService.listReleases(service.name, {
        limit:
          req.query.limit !== undefined ? Number(req.query.limit) : undefined,
        cursor: req.query.cursor as string | undefined,
      }),
    );
  });

  router.get('/services/:service/pipeline', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    res.json(
      await deployService.pipeline(
        service.name,
        req.query.limit !== undefined ? Number(req.query.limit) : undefined,
      ),
    );
  });

  router.get('/services/:service/changes', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    res.json(
      await deployService.releaseChanges(
        service.name,
        String(req.query.base),
        String(req.query.head),
      ),
    );
  });

  router.get('/services/:service/status', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    const channels = await readServiceStatus(
      { deployService, store, watcher },
      service,
    );
    const [visible] = await shown(credentials, [service]);
    res.json({ service: visible, channels });
  });

  router.get(
    '/services/:service/channels/:channel/pods/:pod/logs',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      const service = await readableService(credentials, req.params.service);
      const channel = deployService.channel(req.params.channel);
      const namespace = resolveNamespace(channel.namespacePattern, {
        service: service.name,
        channel: channel.name,
      });
      // Whether the pod is the service's comes from the shared watch, not a
      // list call per request.
      const status = await watcher.getChannelStatus(
        channel.cluster,
        namespace,
        service.name,
        channel.name,
        await workloadsRunning(deployService, service.name, channel.name),
      );
      if (!status.pods.some(p => p.name === req.params.pod)) {
        throw new NotFoundError(
          `pod ${req.params.pod} is not a pod of ${service.name} in ${channel.name}`,
        );
      }
      const container = req.query.container;
      // The validator has coerced the flag; a raw string can only come through untyped clients.
      const previous = String(req.query.previous) === 'true';
      const tailLines =
        req.query.tailLines !== undefined
          ? Number(req.query.tailLines)
          : DEFAULT_LOG_LINES;
      const text = await clusterFor(channel.cluster).readPodLog(
        namespace,
        req.params.pod,
        container,
        { previous, tailLines, limitBytes: LOG_LIMIT_BYTES },
      );
      res.json({ pod: req.params.pod, container, previous, text });
    },
  );

  router.post(
    '/services/:service/channels/:channel/rollback',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      const { service, channel } = req.params;
      const deployment = await audited(
        req,
        'deployment-rollback',
        { service, channel, permission: deployRollbackPermission.name },
        async () => {
          const registered = await deployService.service(service);
          deployService.channel(channel);
          await authorizer.authorizeTarget(
            credentials,
            deployRollbackPermission,
            { service, channel, ownerRef: registered.ownerRef },
          );
          return deployService.rollback(
            service,
            channel,
            callerOf(credentials),
          );
        },
      );
      res.status(201).json(deployment);
    },
  );

  router.get('/deployments', async (req, res) => {
    const credentials = await credentialsOf(req);
    const filter = await authorizer.serviceFilter(
      credentials,
      deployReadPermission,
    );
    // Timestamps stay the ISO strings they came as (the generated type says Date and `_from`).
    const q = req.query as unknown as Record<string, string | undefined>;
    const page = await store.listDeployments(
      {
        service: q.service,
        team: q.team,
        channel: q.channel,
        status: q.status as DeploymentStatus | undefined,
        from: q.from,
        to: q.to,
        limit: q.limit !== undefined ? Number(q.limit) : undefined,
        cursor: q.cursor,
      },
      { readable: readableServices(filter) },
    );
    res.json(page);
  });

  router.post('/deployments', async (req, res) => {
    const credentials = await credentialsOf(req);
    const deployment = await requestDeployment(
      { deployService, authorizer, auditor },
      credentials,
      req.body as CreateDeploymentRequest,
      req,
    );
    res.status(201).json(deployment);
  });

  router.get('/deployments/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    const deployment = await deployService.deployment(req.params.id);
    await readableService(credentials, deployment.service);
    const [events, evidence] = await Promise.all([
      store.listEvents(deployment.id),
      store.listEvidence(deployment.id),
    ]);
    res.json({ deployment, events, evidence });
  });

  /** How a caller sees a set's objects: literal env values only if they may update the service. */
  async function setView(credentials: BackstageCredentials, service: Service) {
    const [mayUpdate] = await authorizer.allowsService(
      credentials,
      serviceUpdatePermission,
      [service],
    );
    return (objects: SetObject[]) =>
      mayUpdate ? objects : hideSetEnv(objects);
  }

  router.get('/services/:service/diff', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    res.json(
      await deployService.previewDiff(
        service.name,
        String(req.query.channel),
        typeof req.query.version === 'string' ? req.query.version : undefined,
        await setView(credentials, service),
      ),
    );
  });

  router.get('/services/:service/compare', async (req, res) => {
    const credentials = await credentialsOf(req);
    const service = await readableService(credentials, req.params.service);
    res.json(
      await deployService.compareChannels(
        service.name,
        String(req.query.base),
        String(req.query.head),
        await setView(credentials, service),
      ),
    );
  });

  router.get('/deployments/:id/diff', async (req, res) => {
    const credentials = await credentialsOf(req);
    const deployment = await deployService.deployment(req.params.id);
    const service = await readableService(credentials, deployment.service);
    res.json(
      await deployService.deploymentDiff(
        deployment.id,
        await setView(credentials, service),
      ),
    );
  });

  /** The exact objects a deployment applies, with where they came from. */
  router.get('/deployments/:id/set', async (req, res) => {
    const credentials = await credentialsOf(req);
    const deployment = await deployService.deployment(req.params.id);
    const service = await readableService(credentials, deployment.service);
    const set = await store.getDeploymentSet(deployment.id);
    if (!set) {
      throw new NotFoundError(
        `deployment ${deployment.id} was recorded before Slipway kept rendered sets`,
      );
    }
    const view = await setView(credentials, service);
    res.json({
      deploymentId: deployment.id,
      hash: set.hash,
      source: set.source,
      objects: view(set.objects),
    });
  });

  /** Approve and cancel act on one deployment, authorised on its service in its channel. */
  function deploymentAction(
    eventId: string,
    permission: typeof deployApprovePermission,
    act: (id: string, by: string) => ReturnType<DeployService['approve']>,
  ) {
    return async (req: express.Request, res: express.Response) => {
      const credentials = await credentialsOf(req);
      const { id } = req.params;
      const deployment = await audited(
        req,
        eventId,
        { id, permission: permission.name },
        async () => {
          const target = await deployService.deployment(id);
          const service = await deployService.service(target.service);
          await authorizer.authorizeTarget(credentials, permission, {
            service: service.name,
            channel: target.channel,
            ownerRef: service.ownerRef,
          });
          return act(id, callerOf(credentials).userEntityRef);
        },
      );
      res.json(deployment);
    };
  }

  router.post(
    '/deployments/:id/approve',
    deploymentAction('deployment-approve', deployApprovePermission, (id, by) =>
      deployService.approve(id, by),
    ),
  );

  router.post(
    '/deployments/:id/cancel',
    deploymentAction('deployment-cancel', deployRollbackPermission, (id, by) =>
      deployService.cancel(id, by),
    ),
  );

  router.get('/metrics', async (req, res) => {
    const credentials = await credentialsOf(req);
    const filter = await authorizer.serviceFilter(
      credentials,
      deployReadPermission,
    );
    // Timestamps stay the ISO strings they came as (the generated type says Date and `_from`).
    const q = req.query as unknown as Record<string, string>;
    res.json(
      await store.teamMetrics({
        team: q.team,
        from: q.from,
        to: q.to,
        readable: readableServices(filter),
      }),
    );
  });

  return outer;
}
