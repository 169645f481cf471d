import { DEPLOYMENT_STATUSES } from '@slipway/plugin-deploy-common';

// The deploy backend's REST API, as an OpenAPI 3.0 document. The router is
// built from it (createValidatedOpenApiRouter), so requests are validated
// against it before any handler runs, and the tests validate responses too.
// Served at GET /api/deploy/openapi.json.

const dnsLabel = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  maxLength: 63,
  description:
    'A DNS label: lowercase letters, digits and "-", at most 63 characters',
} as const;

const version = {
  type: 'string',
  pattern: '^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$',
  description:
    'An image tag (letters, digits, "_", ".", "-"; at most 128) or a sha256: digest',
} as const;

const LINK = {
  type: 'string',
  pattern: '^https?://[^\\s]+$',
  maxLength: 1024,
  description: 'An http(s) link',
} as const;

const entityRef = {
  type: 'string',
  pattern: '^[a-z]+:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
  maxLength: 255,
  description: 'A full entity ref, e.g. component:default/checkout',
} as const;

const status = {
  type: 'string',
  enum: DEPLOYMENT_STATUSES,
} as const;

const errorResponse = {
  description: 'An error, with a message saying what is wrong',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

// 5xx answers carry a message and an error id, never internal detail: the
// detail is in the backend's log under that id.
const errors = {
  '400': errorResponse,
  '401': errorResponse,
  '403': errorResponse,
  '404': errorResponse,
  '409': errorResponse,
  '413': errorResponse,
  '500': errorResponse,
  '502': errorResponse,
  '503': errorResponse,
} as const;

const keyReference = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'key'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
      maxLength: 253,
    },
    key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253 },
  },
} as const;

const json = <S>(schema: S, description = 'OK') =>
  ({ description, content: { 'application/json': { schema } } } as const);

const ref = <N extends string>(name: N) =>
  ({ $ref: `#/components/schemas/${name}` } as const);

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
} as const;
const serviceParam = {
  name: 'service',
  in: 'path',
  required: true,
  schema: dnsLabel,
} as const;
const channelParam = {
  name: 'channel',
  in: 'path',
  required: true,
  schema: dnsLabel,
} as const;

/** The deploy backend's OpenAPI document. */
export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'Slipway deploy API',
    version: '1',
    description:
      'Deploy services to release channels on Kubernetes, and read their history.',
    license: { name: 'Apache-2.0' },
  },
  servers: [{ url: '/' }],
  components: {
    schemas: {
      SetDiffSide: {
        type: 'object',
        required: ['channel'],
        properties: {
          channel: { type: 'string' },
          version: { type: 'string' },
          deploymentId: { type: 'string' },
        },
      },
      SetDiff: {
        type: 'object',
        required: ['head', 'changes', 'unchanged', 'migrations'],
        properties: {
          base: ref('SetDiffSide'),
          head: ref('SetDiffSide'),
          changes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['kind', 'name', 'change', 'diff'],
              properties: {
                kind: { type: 'string' },
                name: { type: 'string' },
                change: {
                  type: 'string',
                  enum: ['added', 'removed', 'changed'],
                },
                diff: { type: 'string' },
              },
            },
          },
          unchanged: { type: 'integer' },
          migrations: { type: 'array', items: { type: 'string' } },
        },
      },
      ServiceSpec: {
        type: 'object',
        additionalProperties: false,
        required: ['image', 'port', 'channels'],
        properties: {
          image: {
            type: 'string',
            pattern:
              '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
            maxLength: 200,
            description:
              'Image repository without a tag, e.g. registry.example.com/checkout',
          },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          channels: {
            type: 'object',
            description: 'Per channel name: replicas and environment variables',
            maxProperties: 20,
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['replicas'],
              properties: {
                replicas: { type: 'integer', minimum: 0, maximum: 50 },
                env: {
                  type: 'object',
                  maxProperties: 100,
                  description:
                    'Environment variables by name (letters, digits, "_", "-", "."; not starting with a digit; at most 256): a literal value, or a reference to a key of a Secret or ConfigMap in the namespace (Slipway never reads the value). Responses show literals only to those who may update the service; others get { hidden: true }.',
                  additionalProperties: {
                    oneOf: [
                      { type: 'string', maxLength: 4096 },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['secretKeyRef'],
                        properties: { secretKeyRef: keyReference },
                      },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['configMapKeyRef'],
                        properties: { configMapKeyRef: keyReference },
                      },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['hidden'],
                        properties: {
                          hidden: { type: 'boolean', enum: [true] },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
          migration: {
            type: 'object',
            additionalProperties: false,
            required: ['command'],
            properties: {
              command: {
                type: 'array',
                minItems: 1,
                maxItems: 50,
                items: { type: 'string', maxLength: 1024 },
              },
              timeoutSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
              retries: { type: 'integer', minimum: 0, maximum: 10 },
            },
          },
        },
      },
      Service: {
        type: 'object',
        required: [
          'name',
          'entityRef',
          'ownerRef',
          'spec',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          name: dnsLabel,
          entityRef: { type: 'string' },
          ownerRef: { type: 'string' },
          spec: ref('ServiceSpec'),
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
        },
      },
      ReleaseChannel: {
        type: 'object',
        required: ['name', 'order', 'cluster', 'namespacePattern', 'policy'],
        properties: {
          name: { type: 'string' },
          order: { type: 'integer' },
          cluster: { type: 'string' },
          namespacePattern: { type: 'string' },
          policy: { type: 'object' },
        },
      },
      Deployment: {
        type: 'object',
        required: [
          'id',
          'service',
          'ownerRef',
          'channel',
          'version',
          'status',
          'requestedBy',
          'createdAt',
        ],
        properties: {
          id: { type: 'string' },
          service: { type: 'string' },
          ownerRef: { type: 'string' },
          channel: { type: 'string' },
          version: { type: 'string' },
          previousVersion: { type: 'string' },
          status,
          requestedBy: { type: 'string' },
          approvedBy: { type: 'string' },
          overrideReason: { type: 'string' },
          automation: {
            type: 'object',
            required: ['rule', 'reason'],
            properties: {
              rule: { type: 'string', enum: ['auto-deploy', 'auto-promote'] },
              reason: { type: 'string' },
            },
          },
          createdAt: { type: 'string' },
          startedAt: { type: 'string' },
          finishedAt: { type: 'string' },
          result: { type: 'object' },
        },
      },
      ChannelVersion: {
        type: 'object',
        required: ['channel'],
        properties: {
          channel: { type: 'string' },
          version: { type: 'string' },
        },
      },
      Release: {
        type: 'object',
        required: ['service', 'version', 'publishedBy', 'publishedAt'],
        properties: {
          service: { type: 'string' },
          version: { type: 'string' },
          digest: { type: 'string' },
          commit: { type: 'string' },
          commitUrl: { type: 'string' },
          buildUrl: { type: 'string' },
          title: { type: 'string' },
          publishedBy: { type: 'string' },
          publishedAt: { type: 'string' },
        },
      },
      PipelineStage: {
        type: 'object',
        required: ['channel', 'state', 'message'],
        properties: {
          channel: { type: 'string' },
          state: {
            type: 'string',
            enum: [
              'deployed',
              'deploying',
              'waiting',
              'failed',
              'superseded',
              'cancelled',
              'rejected',
              'pending',
            ],
          },
          current: { type: 'boolean' },
          waitingFor: { type: 'string', enum: ['soak', 'approval', 'window'] },
          soakEndsAt: { type: 'string' },
          approvers: { type: 'array', items: { type: 'string' } },
          window: { type: 'string' },
          deploymentId: { type: 'string' },
          automation: { type: 'object' },
          message: { type: 'string' },
        },
      },
      DeploymentEvent: {
        type: 'object',
        required: ['id', 'deploymentId', 'type', 'message', 'createdAt'],
        properties: {
          id: { type: 'integer' },
          deploymentId: { type: 'string' },
          type: { type: 'string' },
          message: { type: 'string' },
          data: { type: 'object' },
          createdAt: { type: 'string' },
        },
      },
      ChannelStatus: {
        type: 'object',
        required: [
          'channel',
          'health',
          'replicas',
          'conditions',
          'message',
          'pods',
        ],
        properties: {
          channel: { type: 'string' },
          health: {
            type: 'string',
            enum: ['Healthy', 'Progressing', 'Degraded', 'Missing'],
          },
          desiredVersion: { type: 'string' },
          runningVersion: { type: 'string' },
          judgedBy: { type: 'string' },
          replicas: { type: 'object' },
          conditions: { type: 'array', items: { type: 'object' } },
          message: { type: 'string' },
          pods: { type: 'array', items: { type: 'object' } },
          workloads: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'kind',
                'name',
                'health',
                'ready',
                'desired',
                'message',
                'pods',
              ],
              properties: {
                kind: { type: 'string' },
                name: { type: 'string' },
                health: {
                  type: 'string',
                  enum: ['Healthy', 'Progressing', 'Degraded', 'Missing'],
                },
                ready: { type: 'integer' },
                desired: { type: 'integer' },
                message: { type: 'string' },
                pods: { type: 'array', items: { type: 'object' } },
              },
            },
          },
          error: { type: 'string' },
        },
      },
    },
  },
  paths: {
    '/health': {
      get: {
        operationId: 'getHealth',
        responses: {
          '200': json({
            type: 'object',
            properties: { status: { type: 'string' } },
          }),
        },
      },
    },
    '/channels': {
      get: {
        operationId: 'listChannels',
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', items: ref('ReleaseChannel') },
            },
          }),
          ...errors,
        },
      },
    },
    '/services': {
      get: {
        operationId: 'listServices',
        parameters: [
          { name: 'owner', in: 'query', required: false, schema: entityRef },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('Service') } },
          }),
          ...errors,
        },
      },
      post: {
        operationId: 'registerService',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'entityRef', 'spec'],
                properties: {
                  name: dnsLabel,
                  entityRef,
                  spec: ref('ServiceSpec'),
                },
              },
            },
          },
        },
        responses: {
          '201': json(
            ref('Service'),
            'Registered, or updated when it already was',
          ),
          ...errors,
        },
      },
    },
    '/services/render': {
      post: {
        operationId: 'renderService',
        description:
          'The Kubernetes objects Slipway would create for a service in every channel, changing nothing (for dry runs): the ServiceAccount and Service, and the Deployment when a version is given.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'entityRef', 'spec'],
                properties: {
                  name: dnsLabel,
                  entityRef,
                  spec: ref('ServiceSpec'),
                  version,
                },
              },
            },
          },
        },
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['channel', 'namespace', 'objects'],
                  properties: {
                    channel: { type: 'string' },
                    namespace: { type: 'string' },
                    objects: { type: 'array', items: { type: 'object' } },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/services/{service}': {
      get: {
        operationId: 'getService',
        parameters: [serviceParam],
        responses: { '200': json(ref('Service')), ...errors },
      },
    },
    '/services/{service}/diff': {
      get: {
        operationId: 'previewServiceDiff',
        parameters: [
          serviceParam,
          { name: 'channel', in: 'query', required: true, schema: dnsLabel },
          {
            name: 'version',
            in: 'query',
            required: false,
            schema: { type: 'string', minLength: 1, maxLength: 128 },
          },
        ],
        responses: { '200': json(ref('SetDiff')), ...errors },
      },
    },
    '/services/{service}/compare': {
      get: {
        operationId: 'compareChannels',
        parameters: [
          serviceParam,
          { name: 'base', in: 'query', required: true, schema: dnsLabel },
          { name: 'head', in: 'query', required: true, schema: dnsLabel },
        ],
        responses: { '200': json(ref('SetDiff')), ...errors },
      },
    },
    '/services/{service}/releases': {
      get: {
        operationId: 'listReleases',
        description: "A page of the service's releases, newest first.",
        parameters: [
          serviceParam,
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 200 },
          },
          {
            name: 'cursor',
            in: 'query',
            required: false,
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', items: ref('Release') },
              nextCursor: { type: 'string' },
            },
          }),
          ...errors,
        },
      },
      post: {
        operationId: 'publishRelease',
        description:
          'Publishes a release that CI built. Channels with autoDeploy take it on their own. The same version with the same fields again is a no-op (200); with other fields, 409.',
        parameters: [serviceParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['version'],
                properties: {
                  version,
                  digest: {
                    type: 'string',
                    pattern: '^sha256:[a-f0-9]{64}$',
                    maxLength: 71,
                    description: 'The image digest, sha256:<64 hex>',
                  },
                  commit: {
                    type: 'string',
                    pattern: '^[0-9a-f]{7,64}$',
                    maxLength: 64,
                    description: 'The source commit, 7 to 64 hex digits',
                  },
                  commitUrl: LINK,
                  buildUrl: LINK,
                  title: { type: 'string', minLength: 1, maxLength: 256 },
                },
              },
            },
          },
        },
        responses: {
          '200': json(ref('Release'), 'Published before, with the same fields'),
          '201': json(ref('Release'), 'Published'),
          ...errors,
        },
      },
    },
    '/services/{service}/pipeline': {
      get: {
        operationId: 'getPipeline',
        description:
          'The recent releases, newest first, and where each stands in every channel.',
        parameters: [
          serviceParam,
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 50 },
          },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['service', 'channels', 'releases'],
            properties: {
              service: { type: 'string' },
              channels: { type: 'array', items: { type: 'string' } },
              releases: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['release', 'stages'],
                  properties: {
                    release: ref('Release'),
                    stages: { type: 'array', items: ref('PipelineStage') },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/services/{service}/changes': {
      get: {
        operationId: 'getReleaseChanges',
        description:
          'The releases head runs that base does not yet (e.g. base=prod, head=staging), newest first.',
        parameters: [
          serviceParam,
          { name: 'base', in: 'query', required: true, schema: dnsLabel },
          { name: 'head', in: 'query', required: true, schema: dnsLabel },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['base', 'head', 'releases'],
            properties: {
              base: ref('ChannelVersion'),
              head: ref('ChannelVersion'),
              releases: { type: 'array', items: ref('Release') },
            },
          }),
          ...errors,
        },
      },
    },
    '/services/{service}/status': {
      get: {
        operationId: 'getServiceStatus',
        parameters: [serviceParam],
        responses: {
          '200': json({
            type: 'object',
            required: ['service', 'channels'],
            properties: {
              service: ref('Service'),
              channels: { type: 'array', items: ref('ChannelStatus') },
            },
          }),
          ...errors,
        },
      },
    },
    '/services/{service}/channels/{channel}/provision': {
      post: {
        operationId: 'provisionChannel',
        description:
          "Applies the service's ServiceAccount and Service in the channel's namespace by server-side apply; idempotent. The namespace must exist. The Deployment is created by the first deployment.",
        parameters: [serviceParam, channelParam],
        responses: {
          '200': json({
            type: 'object',
            required: ['channel', 'namespace', 'objects'],
            properties: {
              channel: { type: 'string' },
              namespace: { type: 'string' },
              objects: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['kind', 'name'],
                  properties: {
                    kind: { type: 'string' },
                    name: { type: 'string' },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/services/{service}/channels/{channel}/rollback': {
      post: {
        operationId: 'rollback',
        parameters: [serviceParam, channelParam],
        responses: {
          '201': json(ref('Deployment'), 'A deployment of the earlier version'),
          ...errors,
        },
      },
    },
    '/services/{service}/channels/{channel}/pods/{pod}/logs': {
      get: {
        operationId: 'getPodLogs',
        parameters: [
          serviceParam,
          channelParam,
          {
            name: 'pod',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
              maxLength: 253,
            },
          },
          { name: 'container', in: 'query', required: true, schema: dnsLabel },
          {
            name: 'previous',
            in: 'query',
            required: false,
            schema: { type: 'boolean' },
          },
          {
            name: 'tailLines',
            in: 'query',
            required: false,
            description:
              'How many lines from the end; default 1000. At most 256 KiB of log is returned either way.',
            schema: { type: 'integer', minimum: 1, maximum: 5000 },
          },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['pod', 'container', 'previous', 'text'],
            properties: {
              pod: { type: 'string' },
              container: { type: 'string' },
              previous: { type: 'boolean' },
              text: { type: 'string' },
            },
          }),
          ...errors,
        },
      },
    },
    '/deployments': {
      get: {
        operationId: 'listDeployments',
        parameters: [
          { name: 'service', in: 'query', required: false, schema: dnsLabel },
          { name: 'team', in: 'query', required: false, schema: entityRef },
          { name: 'channel', in: 'query', required: false, schema: dnsLabel },
          { name: 'status', in: 'query', required: false, schema: status },
          {
            name: 'from',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 200 },
          },
          {
            name: 'cursor',
            in: 'query',
            required: false,
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', items: ref('Deployment') },
              nextCursor: { type: 'string' },
            },
          }),
          ...errors,
        },
      },
      post: {
        operationId: 'createDeployment',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['service', 'channel'],
                properties: {
                  service: dnsLabel,
                  channel: dnsLabel,
                  version,
                  overrideReason: {
                    type: 'string',
                    minLength: 3,
                    maxLength: 1000,
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': json(ref('Deployment'), 'Accepted; the worker runs it'),
          ...errors,
        },
      },
    },
    '/deployments/{id}': {
      get: {
        operationId: 'getDeployment',
        parameters: [idParam],
        responses: {
          '200': json({
            type: 'object',
            required: ['deployment', 'events', 'evidence'],
            properties: {
              deployment: ref('Deployment'),
              events: { type: 'array', items: ref('DeploymentEvent') },
              evidence: { type: 'array', items: { type: 'object' } },
            },
          }),
          ...errors,
        },
      },
    },
    '/deployments/{id}/diff': {
      get: {
        operationId: 'getDeploymentDiff',
        parameters: [idParam],
        responses: { '200': json(ref('SetDiff')), ...errors },
      },
    },
    '/deployments/{id}/set': {
      get: {
        operationId: 'getDeploymentSet',
        parameters: [idParam],
        responses: {
          '200': json({
            type: 'object',
            required: ['deploymentId', 'hash', 'source', 'objects'],
            properties: {
              deploymentId: { type: 'string' },
              hash: { type: 'string' },
              source: {
                type: 'object',
                required: ['kind'],
                properties: {
                  kind: {
                    type: 'string',
                    enum: ['generated', 'plain', 'kustomize', 'helm'],
                  },
                  url: { type: 'string' },
                  commit: { type: 'string' },
                  snapshot: { type: 'string' },
                  tool: { type: 'string' },
                  restoredFrom: { type: 'string' },
                },
              },
              objects: { type: 'array', items: { type: 'object' } },
            },
          }),
          ...errors,
        },
      },
    },
    '/deployments/{id}/approve': {
      post: {
        operationId: 'approveDeployment',
        parameters: [idParam],
        responses: { '200': json(ref('Deployment')), ...errors },
      },
    },
    '/deployments/{id}/cancel': {
      post: {
        operationId: 'cancelDeployment',
        parameters: [idParam],
        responses: { '200': json(ref('Deployment')), ...errors },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getTeamMetrics',
        parameters: [
          { name: 'team', in: 'query', required: true, schema: entityRef },
          {
            name: 'from',
            in: 'query',
            required: true,
            schema: { type: 'string', format: 'date-time' },
          },
          {
            name: 'to',
            in: 'query',
            required: true,
            schema: { type: 'string', format: 'date-time' },
          },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['team', 'from', 'to', 'deployments', 'perDay'],
          }),
          ...errors,
        },
      },
    },
  },
} as const;
