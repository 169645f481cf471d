import { describeInvalidDnsLabel } from './names';

describe('describeInvalidDnsLabel', () => {
  it.each(['checkout', 'a', 'status-page', 'v2', 'x'.repeat(63)])(
    'accepts %s',
    name => {
      expect(describeInvalidDnsLabel(name)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(64), 'at most 63 characters (it has 64)'],
    ['Checkout', 'lowercase'],
    ['-checkout', 'start and end'],
    ['checkout-', 'start and end'],
    ['check_out', 'lowercase letters, digits and "-"'],
  ])('rejects %j: %s', (name, why) => {
    expect(describeInvalidDnsLabel(name)).toContain(why);
  });
});
