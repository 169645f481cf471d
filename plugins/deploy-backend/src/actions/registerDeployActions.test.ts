import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { z } from 'zod/v3';
import {
  DeployActionsOptions,
  registerDeployActions,
} from './registerDeployActions';

// The actions' behaviour against a real backend, policy and cluster is in
// packages/backend/src/continuousDelivery.cluster.test.ts; here, what an
// agent reads before it calls: names, attributes, examples and input rules.
describe('registerDeployActions', () => {
  const registry = actionsRegistryServiceMock();
  registerDeployActions(registry, {} as DeployActionsOptions);
  const actions = [...registry.actions.values()];

  it('registers the six operations', () => {
    expect(actions.map(a => a.name)).toEqual([
      'publish-release',
      'deploy',
      'promote',
      'approve',
      'status',
      'history',
    ]);
  });

  it('marks only status and history read-only', () => {
    expect(
      Object.fromEntries(
        actions.map(a => [a.name, a.attributes?.readOnly ?? false]),
      ),
    ).toEqual({
      'publish-release': false,
      deploy: false,
      promote: false,
      approve: false,
      status: true,
      history: true,
    });
  });

  it.each(actions.map(a => [a.name, a] as const))(
    '%s: every example is valid input',
    (_name, action) => {
      expect(action.examples?.length).toBeGreaterThan(0);
      for (const example of action.examples ?? []) {
        expect(action.schema.input(z).safeParse(example.input).error).toBe(
          undefined,
        );
      }
    },
  );

  it('says which field is wrong, and why', () => {
    const deploy = actions.find(a => a.name === 'deploy')!;
    const result = deploy.schema
      .input(z)
      .safeParse({ service: 'Checkout', channel: 'dev', version: '../1' });
    expect(
      result.error?.issues.map(
        (i: z.ZodIssue) => `${i.path.join('.')}: ${i.message}`,
      ),
    ).toEqual([
      'service: must be a DNS label: lowercase letters, digits and "-", e.g. "checkout"',
      'version: must be an image tag (letters, digits, "_", ".", "-"; at most 128, not starting with "." or "-") or a sha256: digest',
    ]);
  });
});
