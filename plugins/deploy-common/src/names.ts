/**
 * Why a name is not a valid Kubernetes DNS label (RFC 1123), or undefined when
 * it is. Service and channel names become object names and labels, so they
 * must be labels.
 *
 * @public
 */
export function describeInvalidDnsLabel(name: string): string | undefined {
  if (name.length === 0) {
    return 'must not be empty';
  }
  if (name.length > 63) {
    return `must be at most 63 characters (it has ${name.length})`;
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    return 'must contain only lowercase letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}
