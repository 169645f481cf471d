import { Config } from '@backstage/config';
import {
  DEFAULT_WORKER_SETTINGS,
  WorkerSettings,
} from '../engine/DeploymentWorker';
import { DeployConfigError } from './readChannels';

function wholeNumber(
  config: Config,
  key: keyof WorkerSettings,
  min: number,
  max: number,
): number {
  const value =
    config.getOptionalNumber(`deploy.worker.${key}`) ??
    DEFAULT_WORKER_SETTINGS[key];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DeployConfigError(
      `deploy.worker.${key}`,
      `must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads `deploy.worker`, failing fast with the key of a bad value. */
export function readWorkerSettings(config: Config): WorkerSettings {
  return {
    concurrency: wholeNumber(config, 'concurrency', 1, 256),
    maxAttempts: wholeNumber(config, 'maxAttempts', 1, 1000),
    leaseSeconds: wholeNumber(config, 'leaseSeconds', 3, 3600),
  };
}
