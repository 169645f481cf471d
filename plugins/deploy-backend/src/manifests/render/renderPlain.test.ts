import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { renderSource } from './renderSource';
import { plainTree, SourceTree } from './__fixtures__/sourceTrees';
import { writeSourceTree } from './__testUtils__/sourceTree';
import { testTools } from './__testUtils__/renderTools';

// Plain YAML needs no tool: commands that do not exist prove it.
const noTools = testTools({
  kustomizeCommand: '/nonexistent/kustomize',
  helmCommand: '/nonexistent/helm',
});

describe('renderSource with plain YAML', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(
      dirs.map(dir => fs.rm(dir, { recursive: true, force: true })),
    );
  });

  async function render(tree: SourceTree, channel: string) {
    const dir = await writeSourceTree(tree);
    dirs.push(dir);
    return renderSource(
      dir,
      { channel, namespace: 'slipway-web', releaseName: 'web' },
      noTools,
    );
  }

  async function renderError(tree: SourceTree, channel = 'dev') {
    return render(tree, channel).then(
      () => {
        throw new Error('rendering succeeded');
      },
      (error: Error) => error,
    );
  }

  it('takes base/ and lets a channel file replace the base file of the same path', async () => {
    const prod = await render(plainTree, 'prod');
    expect(prod.layout).toBe('plain');
    expect(prod.tool).toBeUndefined();
    expect(
      prod.objects.map(({ object, file, index }) => ({
        kind: object.kind,
        file,
        index,
      })),
    ).toEqual([
      { kind: 'Deployment', file: 'channels/prod/deployment.yaml', index: 0 },
      { kind: 'Service', file: 'base/network/service.yaml', index: 0 },
      { kind: 'PodDisruptionBudget', file: 'channels/prod/pdb.yml', index: 0 },
    ]);
    const deployment = prod.objects[0].object;
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'warn' },
    ]);

    const dev = await render(plainTree, 'dev');
    expect(dev.objects.map(o => [o.object.kind, o.file])).toEqual([
      ['Deployment', 'base/deployment.yaml'],
      ['ConfigMap', 'channels/dev/extra.yaml'],
      ['Service', 'base/network/service.yaml'],
    ]);
    expect(dev.objects[0].object.spec.replicas).toBe(1);

    const staging = await render(plainTree, 'staging');
    expect(staging.objects.map(o => o.file)).toEqual([
      'base/deployment.yaml',
      'base/network/service.yaml',
    ]);
  });

  it('uses the root files as the base when there is no base/ directory', async () => {
    const tree = {
      'app.yaml': 'kind: ConfigMap\nmetadata: { name: root }\n',
      'sub/ignored.yaml': 'kind: ConfigMap\nmetadata: { name: nested }\n',
      '.hidden.yaml': 'kind: ConfigMap\nmetadata: { name: hidden }\n',
      'channels/dev/app.yaml': 'kind: ConfigMap\nmetadata: { name: dev }\n',
      'channels/prod/app.yaml': 'kind: ConfigMap\nmetadata: { name: prod }\n',
    };
    const dev = await render(tree, 'dev');
    expect(dev.objects.map(o => [o.object.metadata.name, o.file])).toEqual([
      ['dev', 'channels/dev/app.yaml'],
    ]);
    const staging = await render(tree, 'staging');
    expect(staging.objects.map(o => [o.object.metadata.name, o.file])).toEqual([
      ['root', 'app.yaml'],
    ]);
  });

  it('skips empty documents, flattens a List and parses numbers as the API server does', async () => {
    const { objects } = await render(
      {
        'base/all.yaml': `# only a comment
---
apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: b } }
---
---
apiVersion: v1
kind: Pod
metadata: { name: c, annotations: { since: 2024-01-01, at: 12:30 } }
spec:
  volumes:
    - secret: { secretName: c, defaultMode: 0644 }
`,
      },
      'dev',
    );
    expect(objects.map(o => [o.object.metadata.name, o.index])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    // YAML 1.1 as Kubernetes reads it: 0644 is octal; dates and times stay strings.
    expect(objects[2].object.spec.volumes[0].secret.defaultMode).toBe(0o644);
    expect(objects[2].object.metadata.annotations).toEqual({
      since: '2024-01-01',
      at: '12:30',
    });
  });

  it('names the file and line of a YAML syntax error, and the channel', async () => {
    const error = await renderError({
      'base/ok.yaml': 'kind: ConfigMap\n',
      'base/broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: [unclosed\n',
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^Cannot render the manifests for channel "dev": base\/broken\.yaml line \d+, column \d+: /,
    );
  });

  it('names the file and document of a document that is not a mapping', async () => {
    const error = await renderError({
      'base/app.yaml': 'kind: ConfigMap\n---\n- a\n- b\n',
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Cannot render the manifests for channel "dev": base/app.yaml, document 2 is a sequence, not a Kubernetes object (a mapping)',
    );

    const inList = await renderError({
      'base/list.yaml': 'kind: List\nitems: [{ kind: ConfigMap }, just text]\n',
    });
    expect(inList.message).toContain(
      'base/list.yaml, document 1, item 2 of the List, is a string, not a Kubernetes object',
    );
  });

  it('refuses a symbolic link that leads out of the manifest directory', async () => {
    const dir = await writeSourceTree({ 'base/app.yaml': 'kind: ConfigMap\n' });
    dirs.push(dir);
    await fs.symlink('/etc/hostname', path.join(dir, 'base', 'host.yaml'));
    await expect(
      renderSource(
        dir,
        { channel: 'dev', namespace: 'ns', releaseName: 'web' },
        noTools,
      ),
    ).rejects.toThrow(
      /symbolic links must stay inside the manifest directory, and base\/host\.yaml points outside it/,
    );
  });
});
