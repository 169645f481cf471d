import { InputError } from '@backstage/errors';

/** Parses a time given by a caller, naming the parameter when it is invalid. */
export function parseIsoTime(name: string, value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new InputError(`Invalid ${name} '${value}'; expected an ISO time`);
  }
  return time;
}
