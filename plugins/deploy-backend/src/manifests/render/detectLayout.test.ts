import fs from 'node:fs/promises';
import { detectLayout } from './detectLayout';
import {
  helmChartTree,
  kustomizeTree,
  plainTree,
} from './__fixtures__/sourceTrees';
import { writeSourceTree } from './__testUtils__/sourceTree';

describe('detectLayout', () => {
  it.each([
    [{ 'Chart.yaml': '', 'kustomization.yaml': '' }, 'helm'],
    [{ 'kustomization.yaml': '' }, 'kustomize'],
    [{ 'base/kustomization.yml': '' }, 'kustomize'],
    [{ 'channels/prod/Kustomization': '' }, 'kustomize'],
    [{ 'overlays/dev/kustomization.yaml': '' }, 'kustomize'],
    [{ './kustomization.yaml': '' }, 'kustomize'],
    [{ 'other/kustomization.yaml': '' }, 'plain'],
    [{ 'channels/prod/deep/kustomization.yaml': '' }, 'plain'],
    [{ 'charts/db/Chart.yaml': '', 'app.yaml': '' }, 'plain'],
    [{}, 'plain'],
  ])('recognises %j as %s', async (files, layout) => {
    await expect(detectLayout(files)).resolves.toBe(layout);
  });

  it('recognises the layout of a directory', async () => {
    for (const [tree, layout] of [
      [plainTree, 'plain'],
      [kustomizeTree, 'kustomize'],
      [helmChartTree, 'helm'],
    ] as const) {
      const dir = await writeSourceTree(tree);
      try {
        await expect(detectLayout(dir)).resolves.toBe(layout);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
  });
});
