import {
  AuthorizeResult,
  ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  deployCreatePermission,
  deployOverridePermission,
  deployReadPermission,
  releasePublishPermission,
  serviceUpdatePermission,
} from '@slipway/plugin-deploy-common';
import { SlipwayPermissionPolicy } from './permissionPolicy';

function user(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as PolicyQueryUser;
}

describe('SlipwayPermissionPolicy', () => {
  const policy = new SlipwayPermissionPolicy();

  it('lets everyone read deployments', async () => {
    const decision = await policy.handle(
      { permission: deployReadPermission },
      user('user:default/carol'),
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('lets only the owners of a service change it', async () => {
    const carol = user('user:default/carol', 'group:default/team-growth');
    const decision = (await policy.handle(
      { permission: serviceUpdatePermission },
      carol,
    )) as ConditionalPolicyDecision;
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(decision.resourceType).toBe('deploy-service');
    expect(decision.conditions).toEqual({
      rule: 'IS_SERVICE_OWNER',
      resourceType: 'deploy-service',
      params: { claims: ['user:default/carol', 'group:default/team-growth'] },
    });
  });

  it('lets only the owning team deploy a service', async () => {
    const alice = user('user:default/alice', 'group:default/team-payments');
    const decision = (await policy.handle(
      { permission: deployCreatePermission },
      alice,
    )) as ConditionalPolicyDecision;
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(decision.pluginId).toBe('deploy');
    expect(decision.resourceType).toBe('deploy-target');
    expect(decision.conditions).toEqual({
      rule: 'IS_SERVICE_OWNER',
      resourceType: 'deploy-target',
      params: { claims: ['user:default/alice', 'group:default/team-payments'] },
    });
  });

  it('lets only the owners of a service publish its releases', async () => {
    const alice = user('user:default/alice', 'group:default/team-payments');
    const decision = (await policy.handle(
      { permission: releasePublishPermission },
      alice,
    )) as ConditionalPolicyDecision;
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(decision.pluginId).toBe('deploy');
    expect(decision.resourceType).toBe('deploy-service');
    expect(decision.conditions).toEqual({
      rule: 'IS_SERVICE_OWNER',
      resourceType: 'deploy-service',
      params: { claims: ['user:default/alice', 'group:default/team-payments'] },
    });
  });

  it('lets only the platform team override the promotion order', async () => {
    const erin = await policy.handle(
      { permission: deployOverridePermission },
      user('user:default/erin', 'group:default/team-platform'),
    );
    const alice = await policy.handle(
      { permission: deployOverridePermission },
      user('user:default/alice', 'group:default/team-payments'),
    );
    expect(erin.result).toBe(AuthorizeResult.ALLOW);
    expect(alice.result).toBe(AuthorizeResult.DENY);
  });
});
