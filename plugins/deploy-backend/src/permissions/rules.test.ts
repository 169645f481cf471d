import {
  isInChannel,
  isService,
  isServiceOwner,
  isTargetServiceOwner,
} from './rules';

const target = {
  service: 'checkout',
  channel: 'prod',
  ownerRef: 'group:default/team-payments',
};
const service = {
  name: 'checkout',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-payments',
};

describe('permission rules', () => {
  it('IS_SERVICE_OWNER matches only the owning group, on services and targets', () => {
    const owner = ['user:default/alice', 'group:default/team-payments'];
    const other = ['user:default/carol', 'group:default/team-growth'];
    expect(isServiceOwner.apply(service, { claims: owner })).toBe(true);
    expect(isServiceOwner.apply(service, { claims: other })).toBe(false);
    expect(isTargetServiceOwner.apply(target, { claims: owner })).toBe(true);
    expect(isTargetServiceOwner.apply(target, { claims: other })).toBe(false);
    expect(isServiceOwner.toQuery({ claims: other })).toEqual({
      key: 'ownerRef',
      values: other,
    });
  });

  it('IS_IN_CHANNEL matches only the listed channels', () => {
    expect(isInChannel.apply(target, { channels: ['staging', 'prod'] })).toBe(
      true,
    );
    expect(isInChannel.apply(target, { channels: ['dev'] })).toBe(false);
  });

  it('IS_SERVICE matches only the named services', () => {
    expect(isService.apply(service, { services: ['checkout'] })).toBe(true);
    expect(isService.apply(service, { services: ['notifier'] })).toBe(false);
  });
});
