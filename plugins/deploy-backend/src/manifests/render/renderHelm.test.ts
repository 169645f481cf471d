import fs from 'node:fs/promises';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { renderSource } from './renderSource';
import { RenderToolMissingError } from './RenderToolMissingError';
import { helmChartTree, SourceTree } from './__fixtures__/sourceTrees';
import { writeSourceTree } from './__testUtils__/sourceTree';
import { requireRenderTool, testTools } from './__testUtils__/renderTools';
import { RenderTools } from './types';

jest.setTimeout(60_000);

describe('renderSource with a Helm chart', () => {
  const dirs: string[] = [];
  beforeAll(() => requireRenderTool('helm'));
  afterAll(async () => {
    await Promise.all(
      dirs.map(dir => fs.rm(dir, { recursive: true, force: true })),
    );
  });

  async function render(
    tree: SourceTree,
    channel: string,
    tools: RenderTools = testTools(),
  ) {
    const dir = await writeSourceTree(tree);
    dirs.push(dir);
    return renderSource(
      dir,
      { channel, namespace: `web-${channel}`, releaseName: 'web' },
      tools,
    );
  }

  it('renders with values-<channel>.yaml over values.yaml and tracks each template', async () => {
    const prod = await render(helmChartTree, 'prod');
    expect(prod.layout).toBe('helm');
    expect(prod.tool).toEqual({
      name: 'helm',
      version: expect.stringMatching(/^v3\.\d+\.\d+/),
    });
    expect(
      prod.objects.map(({ object, file, index }) => [
        object.kind,
        object.metadata.name,
        file,
        index,
      ]),
    ).toEqual([
      // Helm's install order (by kind), hooks last; an index counts in it.
      ['ConfigMap', 'web-ports', 'templates/service.yaml', 0],
      ['Service', 'web', 'templates/service.yaml', 1],
      ['Deployment', 'web', 'templates/deployment.yaml', 0],
      ['Job', 'web-migrate', 'templates/migrate-job.yaml', 0],
    ]);
    const deployment = (r: typeof prod) =>
      r.objects.find(o => o.object.kind === 'Deployment')!.object;
    expect(deployment(prod).metadata.namespace).toBe('web-prod');
    expect(deployment(prod).spec.replicas).toBe(3);
    expect(deployment(prod).spec.template.spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'warn' },
    ]);

    // No values-dev.yaml: the chart's values.yaml alone.
    const dev = await render(helmChartTree, 'dev');
    expect(deployment(dev).metadata.namespace).toBe('web-dev');
    expect(deployment(dev).spec.replicas).toBe(1);
    expect(deployment(dev).spec.template.spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  it('leaves out test hooks and keeps a pre-upgrade hook Job with its annotations', async () => {
    const { objects } = await render(helmChartTree, 'prod');
    expect(objects.map(o => o.file)).not.toContain(
      'templates/tests/test-connection.yaml',
    );
    expect(objects.find(o => o.object.kind === 'Pod')).toBeUndefined();
    const job = objects.find(o => o.object.kind === 'Job')!.object;
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-5',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
  });

  it('renders a dependency that is in charts/ and fails, without fetching, one that is not', async () => {
    const withDependency = {
      ...helmChartTree,
      'Chart.yaml': `${helmChartTree['Chart.yaml']}dependencies:
  - name: cache
    version: 1.0.0
    repository: https://charts.example.com
`,
    };
    const missing = render(withDependency, 'dev');
    await expect(missing).rejects.toThrow(InputError);
    await expect(missing).rejects.toThrow(
      /^Cannot render the manifests for channel "dev": `helm template .*` exited with code 1:\n.*cache/s,
    );

    const rendered = await render(
      {
        ...withDependency,
        'charts/cache/Chart.yaml':
          'apiVersion: v2\nname: cache\nversion: 1.0.0\n',
        'charts/cache/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cache\n',
      },
      'dev',
    );
    expect(
      rendered.objects.find(o => o.object.metadata.name === 'web-cache')?.file,
    ).toBe('charts/cache/templates/cm.yaml');
  });

  it('reports a template error with the channel and what helm said', async () => {
    const rendering = render(
      {
        ...helmChartTree,
        'templates/broken.yaml': '{{ .Values.nothing.here }}\n',
      },
      'prod',
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(
      /channel "prod": `helm template --namespace=web-prod --skip-tests --values=values-prod\.yaml -- web \.` exited with code 1:\n.*templates\/broken\.yaml/s,
    );
  });

  it('names the tool and the config key when helm is missing', async () => {
    const rendering = render(
      helmChartTree,
      'dev',
      testTools({ helmCommand: '/nonexistent/helm' }),
    );
    await expect(rendering).rejects.toThrow(RenderToolMissingError);
    await expect(rendering).rejects.toThrow(ServiceUnavailableError);
    await expect(rendering).rejects.toThrow(
      'Rendering a Helm chart needs helm, but "/nonexistent/helm" was not found; install it or set deploy.manifests.helm.command',
    );
  });
});
