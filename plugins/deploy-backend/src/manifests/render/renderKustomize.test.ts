import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { renderSource } from './renderSource';
import { RenderToolMissingError } from './RenderToolMissingError';
import { kustomizeTree, SourceTree } from './__fixtures__/sourceTrees';
import { writeScript, writeSourceTree } from './__testUtils__/sourceTree';
import { requireRenderTool, testTools } from './__testUtils__/renderTools';
import { RenderTools } from './types';

jest.setTimeout(60_000);

describe('renderSource with kustomize', () => {
  const dirs: string[] = [];
  beforeAll(() => requireRenderTool('kustomize'));
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
      { channel, namespace: 'slipway-web', releaseName: 'web' },
      tools,
    );
  }

  function summary(rendered: Awaited<ReturnType<typeof render>>) {
    return rendered.objects.map(({ object, file, index }) => ({
      kind: object.kind,
      file,
      index,
      replicas: object.spec?.replicas,
      env: object.spec?.template?.spec?.containers?.[0]?.env,
    }));
  }

  it('builds the channel overlay, from channels/<channel> or overlays/<channel>', async () => {
    const dev = await render(kustomizeTree, 'dev');
    expect(dev.layout).toBe('kustomize');
    expect(dev.tool).toEqual({
      name: 'kustomize',
      version: expect.stringMatching(/^v\d+\.\d+\.\d+/),
    });
    expect(summary(dev)).toEqual([
      { kind: 'Service', file: 'channels/dev', index: 0 },
      {
        kind: 'Deployment',
        file: 'channels/dev',
        index: 1,
        replicas: 1,
        env: [{ name: 'LOG_LEVEL', value: 'debug' }],
      },
    ]);

    const prod = await render(kustomizeTree, 'prod');
    expect(summary(prod)).toEqual([
      { kind: 'Service', file: 'overlays/prod', index: 0 },
      {
        kind: 'Deployment',
        file: 'overlays/prod',
        index: 1,
        replicas: 3,
        env: [{ name: 'LOG_LEVEL', value: 'warn' }],
      },
    ]);
  });

  it('builds the root when the channel has no overlay, and says where it looked when there is none', async () => {
    const atRoot = await render(
      {
        'kustomization.yaml': 'resources: [app.yaml]\n',
        'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
      },
      'staging',
    );
    expect(atRoot.objects).toEqual([
      {
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'a' },
        },
        file: '.',
        index: 0,
      },
    ]);

    const missing = render(kustomizeTree, 'staging');
    await expect(missing).rejects.toThrow(InputError);
    await expect(missing).rejects.toThrow(
      /channel "staging": there is no kustomization to build: none of channels\/staging\/, overlays\/staging\/ or the root/,
    );
  });

  it('reports a failed build with the channel, the directory and what kustomize said', async () => {
    const rendering = render(
      {
        ...kustomizeTree,
        'channels/dev/kustomization.yaml':
          'resources: [../../base, missing.yaml]\n',
      },
      'dev',
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(
      /^Cannot render the manifests for channel "dev": `kustomize build channels\/dev` exited with code 1:\n.*missing\.yaml/s,
    );
  });

  it('keeps loading inside the kustomization root', async () => {
    const rendering = render(
      {
        'secret.txt': 'password',
        'channels/dev/kustomization.yaml':
          'configMapGenerator:\n  - name: leak\n    files: [../../secret.txt]\n',
      },
      'dev',
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(/secret\.txt/);
  });

  it('refuses resources from outside the manifest directory, naming the entry', async () => {
    // A directory elsewhere on the backend's machine that kustomize would load.
    const outside = await writeSourceTree({
      'kustomization.yaml': 'resources: [cm.yaml]\n',
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere}\n',
    });
    dirs.push(outside);
    for (const entry of [outside, `../../../../../../../..${outside}`]) {
      await expect(
        render(
          { 'channels/dev/kustomization.yaml': `resources: [${entry}]\n` },
          'dev',
        ),
      ).rejects.toThrow(
        `channels/dev/kustomization.yaml names "${entry}", which is outside the manifest directory`,
      );
    }
  });

  it('fails a remote base at once and clearly, without reaching the network', async () => {
    const started = Date.now();
    const rendering = render(
      {
        'channels/dev/kustomization.yaml':
          'resources:\n  - https://github.com/x/y//base\n',
      },
      'dev',
      testTools({ timeoutMs: 20_000 }),
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(
      /channel "dev": `kustomize build channels\/dev` exited with code 1:\n.*github\.com\/x\/y.*\nRendering has no network access: copy remote bases/s,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runs `kubectl kustomize` when the command is kubectl', async () => {
    const bin = await writeSourceTree({});
    dirs.push(bin);
    // A stand-in kubectl that answers as kubectl does, building with kustomize.
    const kubectl = await writeScript(
      bin,
      'kubectl',
      `case "$1" in
  version) echo '{"clientVersion":{"gitVersion":"v1.36.1"},"kustomizeVersion":"v5.7.1"}' ;;
  kustomize) exec kustomize build "$2" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac`,
    );
    const rendered = await render(
      kustomizeTree,
      'prod',
      testTools({ kustomizeCommand: kubectl }),
    );
    expect(rendered.tool).toEqual({
      name: 'kustomize',
      version: 'v5.7.1 (kubectl v1.36.1)',
    });
    expect(summary(rendered)[1].replicas).toBe(3);
  });

  it('names the tool and the config key when kustomize is missing', async () => {
    const rendering = render(
      kustomizeTree,
      'dev',
      testTools({ kustomizeCommand: 'slipway-no-such-kustomize' }),
    );
    await expect(rendering).rejects.toThrow(RenderToolMissingError);
    await expect(rendering).rejects.toThrow(
      'Rendering a Kustomize overlay needs kustomize, but "slipway-no-such-kustomize" was not found on PATH; install it or set deploy.manifests.kustomize.command',
    );
  });
});
