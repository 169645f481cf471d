import { Config } from '@backstage/config';
import { DEFAULT_KEEP_RELEASES } from '../service/DeployService';
import { DeployConfigError } from './readChannels';

/** How releases are kept and how often the channels' rules run on their own. */
export interface DeliverySettings {
  /** Releases kept per service (`deploy.releases.keep`). */
  keepReleases: number;
  /** Seconds between runs of the delivery rules for every service (`deploy.delivery.sweepSeconds`). */
  sweepSeconds: number;
}

function wholeNumber(
  config: Config,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DeployConfigError(
      key,
      `must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads `deploy.releases` and `deploy.delivery`, failing fast with the key of a bad value. */
export function readDeliverySettings(config: Config): DeliverySettings {
  return {
    keepReleases: wholeNumber(
      config,
      'deploy.releases.keep',
      DEFAULT_KEEP_RELEASES,
      10,
      100_000,
    ),
    sweepSeconds: wholeNumber(
      config,
      'deploy.delivery.sweepSeconds',
      30,
      1,
      3600,
    ),
  };
}
