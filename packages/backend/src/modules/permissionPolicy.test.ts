import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { deployCreatePermission } from '@slipway/plugin-deploy-common';
import { SlipwayPermissionPolicy } from './permissionPolicy';

describe('SlipwayPermissionPolicy', () => {
  it('lets a signed-in user deploy while the deploy rules are not written yet', async () => {
    const policy = new SlipwayPermissionPolicy();
    const decision = await policy.handle({
      permission: deployCreatePermission,
    });
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });
});
