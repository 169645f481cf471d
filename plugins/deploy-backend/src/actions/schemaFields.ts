import { z as zod } from 'zod/v3';
import { DEPLOYMENT_STATUSES } from '@slipway/plugin-deploy-common';

// The input fields the actions share, with the same rules as the REST API's
// OpenAPI spec, so a call refused over HTTP is refused here too.

type Zod = typeof zod;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/;

export const serviceField = (z: Zod) =>
  z
    .string()
    .max(63)
    .regex(
      DNS_LABEL,
      'must be a DNS label: lowercase letters, digits and "-", e.g. "checkout"',
    )
    .describe(
      'The Slipway service, by the name it was registered with (usually the catalog component\'s name), e.g. "checkout"',
    );

export const channelField = (z: Zod) =>
  z
    .string()
    .max(63)
    .regex(
      DNS_LABEL,
      'must be a DNS label: lowercase letters, digits and "-", e.g. "dev"',
    )
    .describe(
      'A release channel, e.g. "dev", "staging" or "prod"; the deploy:status action lists them in promotion order',
    );

export const versionField = (z: Zod) =>
  z
    .string()
    .regex(
      VERSION,
      'must be an image tag (letters, digits, "_", ".", "-"; at most 128, not starting with "." or "-") or a sha256: digest',
    )
    .describe(
      'The image tag CI built and pushed, e.g. "1.4.0" or "2026.12.03-abc1234"',
    );

export const linkField = (z: Zod) =>
  z
    .string()
    .max(1024)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) link')
    .optional();

export const overrideReasonField = (z: Zod) =>
  z
    .string()
    .min(3, 'must say why, in at least 3 characters')
    .max(1000)
    .describe(
      'Skip the promotion order (the version need not have succeeded in the previous channel). Needs the override permission; the reason is recorded. Leave out unless a person asked for it.',
    );

export const deploymentStatusField = (z: Zod) => z.enum(DEPLOYMENT_STATUSES);

/** A deployment as the REST API returns it; the main fields described, the rest passed on. */
export const deploymentOutput = (z: Zod) =>
  z
    .object({
      id: z.string().describe('The deployment id (a UUID)'),
      service: z.string(),
      channel: z.string(),
      version: z.string(),
      previousVersion: z.string().optional(),
      status: deploymentStatusField(z).describe(
        'requested → awaiting_approval → migrating → rolling_out → soaking → succeeded; or it ends rejected, failed, rolled_back (after rolling_back) or cancelled',
      ),
      requestedBy: z.string(),
      approvedBy: z.string().optional(),
      createdAt: z.string(),
      finishedAt: z.string().optional(),
    })
    .passthrough();
