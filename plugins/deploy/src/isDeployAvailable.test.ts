import { isDeployAvailable } from './isDeployAvailable';

describe('isDeployAvailable', () => {
  it('is true only for entities with the Slipway service annotation', () => {
    const base = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component' };
    expect(
      isDeployAvailable({
        ...base,
        metadata: { name: 'a', annotations: { 'slipway.dev/service': 'a' } },
      }),
    ).toBe(true);
    expect(isDeployAvailable({ ...base, metadata: { name: 'b' } })).toBe(false);
  });
});
