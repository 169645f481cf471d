import fs from 'node:fs/promises';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createPublishLocalAction } from './publishLocal';
import { examples } from './publishLocal.examples';

const catalogInfo = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    slipway.dev/service: checkout
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-payments
`;

describe('deploy:publish:local', () => {
  const workspace = createMockDirectory();
  const published = createMockDirectory();

  beforeEach(() => {
    workspace.setContent({
      service: { 'catalog-info.yaml': catalogInfo, 'README.md': '# checkout' },
    });
    published.clear();
  });

  function setUp() {
    const catalog = catalogServiceMock.mock();
    const action = createPublishLocalAction({
      catalog,
      directory: published.path,
    });
    return { action, catalog };
  }

  it('copies the workspace and registers its catalog-info.yaml as a file location', async () => {
    const { action, catalog } = setUp();
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { name: 'checkout', sourcePath: 'service' },
    });

    await action.handler(ctx);

    const target = published.resolve('checkout/catalog-info.yaml');
    expect(await fs.readFile(target, 'utf8')).toBe(catalogInfo);
    expect(published.content()).toEqual({
      checkout: { 'catalog-info.yaml': catalogInfo, 'README.md': '# checkout' },
    });
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/checkout',
    );
  });

  it('runs again without failing when the location exists', async () => {
    const { action, catalog } = setUp();
    catalog.addLocation.mockRejectedValue(
      Object.assign(new Error('Location already exists'), {
        name: 'ConflictError',
      }),
    );
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { name: 'checkout', sourcePath: 'service' },
    });
    await expect(action.handler(ctx)).resolves.toBeUndefined();
  });

  it('in a dry run writes and registers nothing', async () => {
    const { action, catalog } = setUp();
    const ctx = {
      ...createMockActionContext({
        workspacePath: workspace.path,
        input: { name: 'checkout', sourcePath: 'service' },
      }),
      isDryRun: true,
    };

    await action.handler(ctx);

    expect(published.content()).toEqual({});
    expect(catalog.addLocation).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/checkout',
    );
  });

  it('refuses a folder name that could leave the directory', async () => {
    const { action } = setUp();
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { name: '../elsewhere' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Folder name "../elsewhere" must contain only lowercase',
    );
  });

  it('runs its documented example', async () => {
    const step = yaml.parse(examples[0].example).steps[0];
    expect(step.action).toBe('deploy:publish:local');
    const { action, catalog } = setUp();
    await action.handler(
      createMockActionContext({
        workspacePath: workspace.path,
        input: { ...step.input, name: 'checkout' },
      }),
    );
    expect(catalog.addLocation).toHaveBeenCalled();
  });
});
