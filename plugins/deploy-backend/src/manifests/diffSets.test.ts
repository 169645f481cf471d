import { diffLines, diffSets } from './diffSets';

const configMap = (
  name: string,
  data: Record<string, string>,
  labels = {},
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'slipway-prod',
    labels: {
      app: 'web',
      'slipway.dev/deployment-id': `id-${Object.values(data).join()}`,
      ...labels,
    },
  },
  data,
});

describe('diffLines', () => {
  it('marks removed and added lines with context, and nothing for equal texts', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(' a\n-b\n+x\n c');
    expect(diffLines(['a'], ['a'])).toBe('');
  });

  it('separates distant changes into hunks', () => {
    const base = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const head = [...base];
    head[1] = 'changed 1';
    head[18] = 'changed 18';
    const diff = diffLines(base, head).split('\n');
    expect(diff).toContain('@@');
    expect(diff.filter(l => l.startsWith(' '))).toHaveLength(1 + 3 + 3 + 1);
  });
});

describe('diffSets', () => {
  it("lists what a head adds, removes and changes, ignoring Slipway's own labels and status", () => {
    const diff = diffSets(
      {
        side: { channel: 'prod', version: '1.0.0', deploymentId: 'a' },
        objects: [
          configMap('same', { a: '1' }),
          configMap('settings', { LEVEL: 'info' }),
          configMap('old', { x: '1' }),
        ],
      },
      {
        side: { channel: 'staging', version: '1.1.0' },
        objects: [
          {
            ...configMap('same', { a: '1' }),
            status: { anything: true },
          } as any,
          configMap('settings', { LEVEL: 'debug' }),
          configMap('new', { y: '1' }),
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name: 'migrate-abc',
              annotations: { 'slipway.dev/phase': 'pre-rollout' },
            },
          },
        ],
      },
    );
    expect(diff.unchanged).toBe(1);
    expect(diff.migrations).toEqual(['migrate-abc']);
    expect(diff.changes.map(c => [c.change, c.name])).toEqual([
      ['changed', 'settings'],
      ['removed', 'old'],
      ['added', 'new'],
    ]);
    expect(diff.changes[0].diff).toContain('-  LEVEL: info\n+  LEVEL: debug');
    expect(diff.changes[0].diff).not.toContain('deployment-id');
    expect(diff.changes[2].diff.split('\n').every(l => l.startsWith('+'))).toBe(
      true,
    );
  });

  it('shows everything as added when the channel runs nothing yet', () => {
    const diff = diffSets(undefined, {
      side: { channel: 'dev' },
      objects: [configMap('settings', { a: '1' })],
    });
    expect(diff.base).toBeUndefined();
    expect(diff.changes).toEqual([
      expect.objectContaining({ change: 'added', name: 'settings' }),
    ]);
  });
});
