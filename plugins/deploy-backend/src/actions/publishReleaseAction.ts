import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { releasePublishPermission } from '@slipway/plugin-deploy-common';
import { auditedAction } from './auditedAction';
import { callerOf } from '../service/callerOf';
import { DeployActionsOptions } from './registerDeployActions';
import { linkField, serviceField, versionField } from './schemaFields';

/** `deploy:publish-release` — what CI calls for every image it builds (`POST /services/{service}/releases`). */
export function registerPublishReleaseAction(
  registry: ActionsRegistryService,
  { deployService, authorizer, auditor }: DeployActionsOptions,
) {
  registry.register({
    name: 'publish-release',
    title: 'Publish a release',
    description:
      'Records a version of a service that CI built and pushed: the image tag, and where known its digest, commit and build link. ' +
      'Release channels that take new releases on their own (autoDeploy, usually the first channel) start deploying it at once; ' +
      'later channels promote it by their own policies (autoPromote, approvals, soak time). ' +
      'Publishing the same version again with the same fields changes nothing (created: false); with different fields it is refused (409). ' +
      'Follow it through the channels with deploy:status and its version. Needs deploy.release.publish on the service (its owners, or a CI token granted it).',
    attributes: {
      // It adds a release and never changes one; a channel's own autoDeploy
      // rule, not this call, decides to deploy it.
      destructive: false,
      idempotent: true,
      readOnly: false,
    },
    schema: {
      input: z =>
        z.object({
          service: serviceField(z),
          version: versionField(z),
          digest: z
            .string()
            .regex(
              /^sha256:[a-f0-9]{64}$/,
              'must be "sha256:" and 64 lowercase hex digits',
            )
            .optional()
            .describe('The image digest, "sha256:…", where CI knows it'),
          commit: z
            .string()
            .regex(/^[0-9a-f]{7,64}$/, 'must be 7 to 64 lowercase hex digits')
            .optional()
            .describe('The source commit the image was built from (its hash)'),
          commitUrl: linkField(z).describe(
            'A link to the commit on the git host',
          ),
          buildUrl: linkField(z).describe(
            'A link to the CI build that produced the image',
          ),
          title: z
            .string()
            .min(1)
            .max(256)
            .optional()
            .describe("A line about what changed, e.g. the commit's subject"),
        }),
      output: z =>
        z.object({
          release: z
            .object({
              service: z.string(),
              version: z.string(),
              publishedBy: z
                .string()
                .describe('A user entity ref, or "service:<subject>" for CI'),
              publishedAt: z.string(),
            })
            .passthrough(),
          created: z
            .boolean()
            .describe('false when this exact release was already published'),
        }),
    },
    examples: [
      {
        title: 'CI publishes the image it just pushed',
        input: {
          service: 'checkout',
          version: '1.4.0',
          commit: '9f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6',
          buildUrl: 'https://ci.example.com/checkout/builds/812',
          title: 'Retry payments on 503',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const { service: name, ...request } = input;
      const result = await auditedAction(
        auditor,
        credentials,
        'release-publish',
        {
          service: name,
          version: input.version,
          permission: releasePublishPermission.name,
        },
        async () => {
          const service = await deployService.service(name);
          await authorizer.authorizeService(
            credentials,
            releasePublishPermission,
            service,
          );
          return deployService.publishRelease(
            service.name,
            request,
            callerOf(credentials).userEntityRef,
          );
        },
      );
      return { output: { ...result, release: { ...result.release } } };
    },
  });
}
