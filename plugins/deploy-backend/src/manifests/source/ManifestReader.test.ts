import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Entity } from '@backstage/catalog-model';
import { ManifestReader } from './ManifestReader';
import { manifestsLocationOf } from './manifestsLocation';

describe('ManifestReader on a local directory', () => {
  let root: string;
  let published: string;
  let outside: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-reader-'));
    published = path.join(root, 'published');
    outside = path.join(root, 'outside');
    await fs.mkdir(path.join(published, 'web', 'deploy', 'base'), {
      recursive: true,
    });
    await fs.mkdir(outside);
    await fs.writeFile(
      path.join(published, 'web', 'deploy', 'base', 'app.yaml'),
      'kind: ConfigMap\n',
    );
    await fs.writeFile(path.join(outside, 'secret.yaml'), 'password\n');
    await fs.symlink(outside, path.join(published, 'web', 'deploy', 'linked'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  const url = (p: string) => pathToFileURL(p).toString();

  it('reads the files inside the publishing directory, never following links, with a content hash', async () => {
    const reader = new ManifestReader({ localDirectory: published });
    const snapshot = await reader.read(
      url(path.join(published, 'web', 'deploy')),
    );
    expect(snapshot.files.map(f => f.path)).toEqual(['base/app.yaml']);
    expect(snapshot.files[0].content.toString()).toBe('kind: ConfigMap\n');
    expect(snapshot.commit).toBe(`sha256:${snapshot.hash}`);
    const again = await reader.read(url(path.join(published, 'web', 'deploy')));
    expect(again.hash).toBe(snapshot.hash);
  });

  it('reads nothing outside the publishing directory, however the path is written', async () => {
    const reader = new ManifestReader({ localDirectory: published });
    for (const target of [
      outside,
      path.join(published, '..', 'outside'),
      path.join(published, 'web', 'deploy', 'linked'),
    ]) {
      await expect(reader.read(url(target))).rejects.toThrow(
        'is outside the local publishing directory',
      );
    }
  });

  it('reads no local directory at all unless one is configured', async () => {
    await expect(
      new ManifestReader({}).read(url(path.join(published, 'web', 'deploy'))),
    ).rejects.toThrow('deploy.localPublish.directory');
  });
});

describe('manifestsLocationOf', () => {
  const entity = (annotations: Record<string, string>): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'web', annotations },
  });

  it('is undefined without the annotation: the service is on the generated spec', () => {
    expect(manifestsLocationOf(entity({}))).toBeUndefined();
  });

  it('resolves a relative directory against the source location', () => {
    expect(
      manifestsLocationOf(
        entity({
          'slipway.dev/manifests': './deploy',
          'backstage.io/source-location':
            'url:https://github.com/acme/web/tree/main/',
        }),
      ),
    ).toBe('https://github.com/acme/web/tree/main/deploy');
  });

  it('resolves against the descriptor file of a locally published entity', () => {
    expect(
      manifestsLocationOf(
        entity({
          'slipway.dev/manifests': './deploy',
          'backstage.io/managed-by-location':
            'file:/srv/published/web/catalog-info.yaml',
        }),
      ),
    ).toBe('file:///srv/published/web/deploy');
  });

  it('says what is missing when there is nothing to resolve against', () => {
    expect(() =>
      manifestsLocationOf(entity({ 'slipway.dev/manifests': './deploy' })),
    ).toThrow('has no backstage.io/source-location');
  });
});
