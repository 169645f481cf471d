import { DEPLOYMENT_STATUSES } from '@slipway/plugin-deploy-common';
import { spec } from './openapi/generated';

describe('the OpenAPI spec', () => {
  it('lists the deployment statuses the engine knows, in their order', () => {
    expect(spec.components.schemas.DeploymentStatus.enum).toEqual(
      DEPLOYMENT_STATUSES,
    );
  });
});
