import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ChannelStatus,
  CreateDeploymentRequest,
  DeploymentStatus,
  RegisterServiceRequest,
  deployApprovePermission,
  deployCreatePermission,
  deployOverridePermission,
  deployReadPermission,
  deployRollbackPermission,
  deployTargetRef,
  serviceRegisterPermission,
} from '@slipway/plugin-deploy-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { DeploymentStore } from './database/DeploymentStore';
import { ClusterClient } from './kubernetes/ClusterClient';
import { RolloutWatcher } from './kubernetes/RolloutWatcher';
import { resolveNamespace } from './kubernetes/renderServiceObjects';
import { spec } from './schema/openapi';
import { Caller, DeployService } from './service/DeployService';

/** What the routes need; plugin.ts wires the real ones, tests may swap them. */
export interface RouterOptions {
  knex: Knex;
  store: DeploymentStore;
  deployService: DeployService;
  watcher: RolloutWatcher;
  clusterFor: (name: string) => ClusterClient;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** Validate responses against the spec too; the tests turn it on. */
  validateResponses?: boolean;
}

const BODY_LIMIT = '64kb';

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
    permissions,
    auditor,
  } = options;
  // Bodies are parsed before the validated router, so an oversized one gets
  // body-parser's 413 instead of the validator's blanket 400.
  const outer = Router();
  outer.use(express.json({ limit: BODY_LIMIT }));
  // Handlers are plain express ones: the spec validates what reaches them.
  const router = createValidatedOpenApiRouter(spec, {
    middleware: [express.json({ limit: BODY_LIMIT })],
    validatorOptions: {
      validateRequests: {
        coerceTypes: true,
        allowUnknownQueryParameters: false,
      },
      validateResponses: options.validateResponses ?? false,
    },
  }) as unknown as express.Router;
  outer.use(router);

  async function authorize(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `you do not have the ${permission.name} permission`,
      );
    }
    return credentials;
  }

  /** Checks a permission on one service in one channel (the policy may look at ownership and channel). */
  async function authorizeTarget(
    req: express.Request,
    permission: ResourcePermission<'deploy-target'>,
    service: string,
    channel: string,
  ) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: deployTargetRef(service, channel) }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `you do not have the ${permission.name} permission for ${service} in ${channel}`,
      );
    }
    return credentials;
  }

  async function canOverride(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: deployOverridePermission }],
      {
        credentials,
      },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  function callerOf(
    credentials: BackstageCredentials,
    mayOverride: boolean,
  ): Caller {
    const p = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    return {
      userEntityRef:
        p.type === 'user' ? p.userEntityRef! : `service:${p.subject}`,
      mayOverride,
    };
  }

  /** Runs a state-changing action inside an audit event. */
  async function audited<T>(
    req: express.Request,
    eventId: string,
    meta: Record<string, string | undefined>,
    action: () => Promise<T>,
  ): Promise<T> {
    const clean = Object.fromEntries(
      Object.entries(meta).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const event = await auditor.createEvent({
      eventId,
      request: req,
      meta: clean,
    });
    try {
      const result = await action();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/health', async (_req, res) => {
    await knex.raw('select 1');
    res.json({ status: 'ok' });
  });

  router.get('/channels', async (req, res) => {
    await authorize(req, deployReadPermission);
    res.json({ items: deployService.listChannels() });
  });

  router.get('/services', async (req, res) => {
    await authorize(req, deployReadPermission);
    const owner = req.query.owner as string | undefined;
    res.json({ items: await store.listServices({ ownerRef: owner }) });
  });

  router.post('/services', async (req, res) => {
    await authorize(req, serviceRegisterPermission);
    const body = req.body as RegisterServiceRequest;
    const service = await audited(
      req,
      'service-register',
      { service: body.name },
      () => deployService.registerService(body),
    );
    res.status(201).json(service);
  });

  router.post('/services/render', async (req, res) => {
    await authorize(req, serviceRegisterPermission);
    const { version, ...service } = req.body as RegisterServiceRequest & {
      version?: string;
    };
    res.json({ items: deployService.renderChannels(service, version) });
  });

  router.post(
    '/services/:service/channels/:channel/provision',
    async (req, res) => {
      await authorize(req, serviceRegisterPermission);
      const { service, channel } = req.params;
      const provisioned = await audited(
        req,
        'service-provision',
        { service, channel },
        () => deployService.provisionChannel(service, channel, clusterFor),
      );
      res.json(provisioned);
    },
  );

  router.get('/services/:service', async (req, res) => {
    await authorize(req, deployReadPermission);
    res.json(await deployService.service(req.params.service));
  });

  router.get('/services/:service/status', async (req, res) => {
    await authorize(req, deployReadPermission);
    const service = await deployService.service(req.params.service);
    const channels = await Promise.all(
      deployService
        .listChannels()
        .map(async (channel): Promise<ChannelStatus> => {
          const namespace = resolveNamespace(channel.namespacePattern, {
            service: service.name,
            channel: channel.name,
          });
          // An unreadable cluster comes back as a status with `error` set,
          // so one bad cluster does not fail the whole page.
          return watcher.getChannelStatus(
            channel.cluster,
            namespace,
            service.name,
            channel.name,
          );
        }),
    );
    res.json({ service: service, channels: channels });
  });

  router.get(
    '/services/:service/channels/:channel/pods/:pod/logs',
    async (req, res) => {
      await authorize(req, deployReadPermission);
      const service = await deployService.service(req.params.service);
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
      );
      if (!status.pods.some(p => p.name === req.params.pod)) {
        throw new NotFoundError(
          `pod ${req.params.pod} is not a pod of ${service.name} in ${channel.name}`,
        );
      }
      const container = req.query.container as string;
      // The validator has coerced the flag; a raw string can only come through untyped clients.
      const previous =
        req.query.previous === (true as unknown) ||
        req.query.previous === 'true';
      const text = await clusterFor(channel.cluster).readPodLog(
        namespace,
        req.params.pod,
        container,
        {
          previous,
          tailLines: 1000,
        },
      );
      res.json({ pod: req.params.pod, container, previous, text });
    },
  );

  router.post(
    '/services/:service/channels/:channel/rollback',
    async (req, res) => {
      const { service, channel } = req.params;
      await deployService.service(service);
      deployService.channel(channel);
      const credentials = await authorizeTarget(
        req,
        deployRollbackPermission,
        service,
        channel,
      );
      const deployment = await audited(
        req,
        'deployment-rollback',
        { service, channel },
        () =>
          deployService.rollback(
            service,
            channel,
            callerOf(credentials, false),
          ),
      );
      res.status(201).json(deployment);
    },
  );

  router.get('/deployments', async (req, res) => {
    await authorize(req, deployReadPermission);
    const q = req.query as Record<string, string | undefined>;
    const page = await store.listDeployments({
      service: q.service,
      team: q.team,
      channel: q.channel,
      status: q.status as DeploymentStatus | undefined,
      from: q.from,
      to: q.to,
      limit: q.limit !== undefined ? Number(q.limit) : undefined,
      cursor: q.cursor,
    });
    res.json(page);
  });

  router.post('/deployments', async (req, res) => {
    const body = req.body as CreateDeploymentRequest;
    await deployService.service(body.service);
    deployService.channel(body.channel);
    const credentials = await authorizeTarget(
      req,
      deployCreatePermission,
      body.service,
      body.channel,
    );
    const override =
      body.overrideReason !== undefined && (await canOverride(credentials));
    const deployment = await audited(
      req,
      'deployment-create',
      {
        service: body.service,
        channel: body.channel,
        version: body.version,
        overrideReason: body.overrideReason,
      },
      () =>
        deployService.createDeployment(body, callerOf(credentials, override)),
    );
    res.status(201).json(deployment);
  });

  router.get('/deployments/:id', async (req, res) => {
    await authorize(req, deployReadPermission);
    const deployment = await deployService.deployment(req.params.id);
    const [events, evidence] = await Promise.all([
      store.listEvents(deployment.id),
      store.listEvidence(deployment.id),
    ]);
    res.json({ deployment, events, evidence });
  });

  router.post('/deployments/:id/approve', async (req, res) => {
    const { id } = req.params;
    const target = await deployService.deployment(id);
    const credentials = await authorizeTarget(
      req,
      deployApprovePermission,
      target.service,
      target.channel,
    );
    const deployment = await audited(req, 'deployment-approve', { id }, () =>
      deployService.approve(id, callerOf(credentials, false).userEntityRef),
    );
    res.json(deployment);
  });

  router.post('/deployments/:id/cancel', async (req, res) => {
    const { id } = req.params;
    const target = await deployService.deployment(id);
    const credentials = await authorizeTarget(
      req,
      deployRollbackPermission,
      target.service,
      target.channel,
    );
    const deployment = await audited(req, 'deployment-cancel', { id }, () =>
      deployService.cancel(id, callerOf(credentials, false).userEntityRef),
    );
    res.json(deployment);
  });

  router.get('/metrics', async (req, res) => {
    await authorize(req, deployReadPermission);
    const q = req.query as Record<string, string>;
    res.json(await store.teamMetrics({ team: q.team, from: q.from, to: q.to }));
  });

  return outer;
}
