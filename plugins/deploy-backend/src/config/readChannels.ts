import { Config } from '@backstage/config';
import {
  DeployWindow,
  ReleaseChannel,
  describeInvalidDnsLabel,
} from '@slipway/plugin-deploy-common';

const DEFAULT_PROGRESS_DEADLINE_SECONDS = 300;
const DEFAULT_NAMESPACE_PATTERN = 'slipway-{channel}';
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A config error that names the key, what is wrong and what is allowed. */
export class DeployConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid Slipway config at ${key}: ${problem}`);
    this.name = 'DeployConfigError';
  }
}

function readWindow(config: Config, key: string): DeployWindow {
  const days = config.getStringArray('days').map((day, i) => {
    const index = DAY_NAMES.indexOf(day.toLowerCase());
    if (index < 0) {
      throw new DeployConfigError(
        `${key}.days[${i}]`,
        `"${day}" is not a day; use one of ${DAY_NAMES.join(', ')}`,
      );
    }
    return index;
  });
  const time = (name: 'start' | 'end') => {
    const value = config.getString(name);
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
      throw new DeployConfigError(
        `${key}.${name}`,
        `"${value}" is not a time; use HH:MM in UTC, e.g. 09:00`,
      );
    }
    return value;
  };
  return { days, start: time('start'), end: time('end') };
}

function readChannel(config: Config, index: number): ReleaseChannel {
  const key = `deploy.channels[${index}]`;
  const name = config.getString('name');
  const nameProblem = describeInvalidDnsLabel(name);
  if (nameProblem) {
    throw new DeployConfigError(`${key}.name`, `"${name}" ${nameProblem}`);
  }
  const namespacePattern =
    config.getOptionalString('namespace') ?? DEFAULT_NAMESPACE_PATTERN;
  const unknown = namespacePattern
    .match(/\{[^}]*\}/g)
    ?.find(p => p !== '{service}' && p !== '{channel}');
  if (unknown) {
    throw new DeployConfigError(
      `${key}.namespace`,
      `unknown placeholder ${unknown}; only {service} and {channel} are allowed`,
    );
  }
  const progressDeadlineSeconds =
    config.getOptionalNumber('progressDeadlineSeconds') ??
    DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (
    !Number.isInteger(progressDeadlineSeconds) ||
    progressDeadlineSeconds < 1
  ) {
    throw new DeployConfigError(
      `${key}.progressDeadlineSeconds`,
      `must be a whole number of seconds, at least 1 (got ${progressDeadlineSeconds})`,
    );
  }
  const soakSeconds = config.getOptionalNumber('soakSeconds') ?? 0;
  if (!Number.isInteger(soakSeconds) || soakSeconds < 0) {
    throw new DeployConfigError(
      `${key}.soakSeconds`,
      `must be a whole number of seconds, 0 or more (got ${soakSeconds})`,
    );
  }
  const soakUnavailableSeconds =
    config.getOptionalNumber('soakUnavailableSeconds') ?? 60;
  if (!Number.isInteger(soakUnavailableSeconds) || soakUnavailableSeconds < 0) {
    throw new DeployConfigError(
      `${key}.soakUnavailableSeconds`,
      `must be a whole number of seconds, 0 or more (got ${soakUnavailableSeconds})`,
    );
  }
  const behindAlertMinutes = config.getOptionalNumber('behindAlertMinutes');
  if (
    behindAlertMinutes !== undefined &&
    (!Number.isInteger(behindAlertMinutes) || behindAlertMinutes < 1)
  ) {
    throw new DeployConfigError(
      `${key}.behindAlertMinutes`,
      `must be a whole number of minutes, at least 1 (got ${behindAlertMinutes})`,
    );
  }
  const autoPromote = config.getOptionalBoolean('autoPromote') ?? false;
  if (autoPromote && index === 0) {
    throw new DeployConfigError(
      `${key}.autoPromote`,
      `"${name}" is the first channel, there is nothing to promote from; use autoDeploy to take every new release`,
    );
  }
  const autoDeploy = config.getOptionalBoolean('autoDeploy') ?? false;
  if (autoDeploy && index > 0) {
    throw new DeployConfigError(
      `${key}.autoDeploy`,
      `only the first channel may take new releases on its own; "${name}" takes releases once they succeeded in the channel before it: use autoPromote`,
    );
  }
  if (behindAlertMinutes !== undefined && index === 0) {
    throw new DeployConfigError(
      `${key}.behindAlertMinutes`,
      `"${name}" is the first channel, it cannot be behind a previous one`,
    );
  }
  const windowConfig = config.getOptionalConfig('deployWindow');
  return {
    name,
    order: index,
    cluster: config.getString('cluster'),
    namespacePattern,
    policy: {
      approvalRequired: config.getOptionalBoolean('approval.required') ?? false,
      approverMustDiffer:
        config.getOptionalBoolean('approval.approverMustDiffer') ?? true,
      soakSeconds,
      soakUnavailableSeconds,
      autoRollback: config.getOptionalBoolean('autoRollback') ?? true,
      progressDeadlineSeconds,
      deployWindow: windowConfig
        ? readWindow(windowConfig, `${key}.deployWindow`)
        : undefined,
      autoDeploy,
      autoPromote,
      releasesOnly: config.getOptionalBoolean('releasesOnly') ?? false,
      behindAlertMinutes,
    },
  };
}

/**
 * Reads the release channels, in promotion order, from `deploy.channels`.
 * Fails fast, naming the key, on anything a deployment could trip over later.
 */
export function readChannels(config: Config): ReleaseChannel[] {
  const channelConfigs = config.getOptionalConfigArray('deploy.channels');
  if (!channelConfigs || channelConfigs.length === 0) {
    throw new DeployConfigError(
      'deploy.channels',
      'no release channels are configured; list at least one, e.g. { name: dev, cluster: local }',
    );
  }
  const channels = channelConfigs.map(readChannel);
  const seen = new Set<string>();
  channels.forEach((channel, i) => {
    if (seen.has(channel.name)) {
      throw new DeployConfigError(
        `deploy.channels[${i}].name`,
        `"${channel.name}" is used by an earlier channel; channel names must be unique`,
      );
    }
    seen.add(channel.name);
  });
  refuseSharedNamespaces(channels);
  return channels;
}

/**
 * Two channels in one cluster whose namespaces are the same for a service
 * would apply to one Deployment: each channel's deployment would overwrite
 * the other's. Their patterns must tell channels apart.
 */
function refuseSharedNamespaces(channels: ReleaseChannel[]) {
  const probe = 'a-service';
  channels.forEach((channel, i) => {
    const earlier = channels.findIndex(
      (other, j) =>
        j < i &&
        other.cluster === channel.cluster &&
        other.namespacePattern
          .replaceAll('{service}', probe)
          .replaceAll('{channel}', other.name) ===
          channel.namespacePattern
            .replaceAll('{service}', probe)
            .replaceAll('{channel}', channel.name),
    );
    if (earlier >= 0) {
      throw new DeployConfigError(
        `deploy.channels[${i}].namespace`,
        `channels "${channels[earlier].name}" and "${channel.name}" resolve to the same namespace in cluster ${channel.cluster} ("${channel.namespacePattern}"); each channel needs its own, e.g. put {channel} in the pattern`,
      );
    }
  });
}
