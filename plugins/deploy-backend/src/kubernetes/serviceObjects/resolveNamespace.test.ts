import { resolveNamespace } from './resolveNamespace';

describe('resolveNamespace', () => {
  it.each([
    ['slipway-{channel}', 'slipway-prod'],
    ['{service}-{channel}', 'checkout-prod'],
    ['payments', 'payments'],
  ])('resolves %s to %s', (pattern, namespace) => {
    expect(
      resolveNamespace(pattern, { service: 'checkout', channel: 'prod' }),
    ).toBe(namespace);
  });

  it('rejects a result that is not a DNS label, saying why', () => {
    expect(() =>
      resolveNamespace('{service}-{channel}', {
        service: 'a'.repeat(60),
        channel: 'prod',
      }),
    ).toThrow(
      'is not a valid namespace name: it must be at most 63 characters',
    );
    expect(() =>
      resolveNamespace('Slipway_{channel}', {
        service: 'checkout',
        channel: 'prod',
      }),
    ).toThrow('must contain only lowercase letters');
  });

  it('rejects an unknown placeholder', () => {
    expect(() =>
      resolveNamespace('{team}-{channel}', {
        service: 'checkout',
        channel: 'prod',
      }),
    ).toThrow('unknown placeholder {team}');
  });
});
