import { isInChannel, isServiceOwner } from './rules';

const target = {
  service: 'checkout',
  channel: 'prod',
  ownerRef: 'group:default/team-payments',
};

describe('deploy target rules', () => {
  it('isServiceOwner matches only the owning group', () => {
    expect(
      isServiceOwner.apply(target, {
        claims: ['user:default/alice', 'group:default/team-payments'],
      }),
    ).toBe(true);
    expect(
      isServiceOwner.apply(target, {
        claims: ['user:default/carol', 'group:default/team-growth'],
      }),
    ).toBe(false);
  });

  it('isInChannel matches only the listed channels', () => {
    expect(isInChannel.apply(target, { channels: ['staging', 'prod'] })).toBe(
      true,
    );
    expect(isInChannel.apply(target, { channels: ['dev'] })).toBe(false);
  });
});
