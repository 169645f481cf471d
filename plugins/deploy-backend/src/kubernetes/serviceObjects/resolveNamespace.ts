import { InputError } from '@backstage/errors';
import { describeInvalidDnsLabel } from '@slipway/plugin-deploy-common';

/**
 * The namespace of a channel from its pattern, e.g. `slipway-{channel}` or
 * `{service}-{channel}`; it must come out as a DNS label.
 */
export function resolveNamespace(
  pattern: string,
  names: { service: string; channel: string },
): string {
  const unknown = pattern.match(/\{(?!service\}|channel\})[^}]*\}/);
  if (unknown) {
    throw new InputError(
      `Namespace pattern "${pattern}" has an unknown placeholder ${unknown[0]}; use {service} and {channel}`,
    );
  }
  const namespace = pattern
    .replaceAll('{service}', names.service)
    .replaceAll('{channel}', names.channel);
  const problem = describeInvalidDnsLabel(namespace);
  if (problem) {
    throw new InputError(
      `Namespace "${namespace}" (pattern "${pattern}", service ${names.service}, channel ${names.channel}) is not a valid namespace name: it ${problem}`,
    );
  }
  return namespace;
}
