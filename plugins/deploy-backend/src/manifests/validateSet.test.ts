import { validateSet } from './validateSet';

const context = { namespace: 'slipway-dev', channel: 'dev' };
const at = (object: Record<string, any>, file = 'base/app.yaml') => ({
  object,
  file,
  index: 0,
});
const configMap = (name: string, extra: Record<string, any> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data: { a: 'b' },
});

describe('validateSet', () => {
  it('puts namespaced objects into the channel namespace', () => {
    const [object] = validateSet([at(configMap('settings'))], context);
    expect(object.metadata?.namespace).toBe('slipway-dev');
  });

  it('accepts an object that already names the channel namespace', () => {
    expect(
      validateSet(
        [at(configMap('settings', { namespace: 'slipway-dev' }))],
        context,
      ),
    ).toHaveLength(1);
  });

  it.each([
    [
      { kind: 'ConfigMap', metadata: { name: 'x' } },
      'base/app.yaml: ConfigMap x: apiVersion is missing',
    ],
    [
      { apiVersion: 'v1', metadata: { name: 'x' } },
      'base/app.yaml: object x: kind is missing',
    ],
    [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } },
      'metadata.name is missing (generateName is not supported',
    ],
    [
      configMap('x', { namespace: 'kube-system' }),
      'namespace "kube-system" is not the dev channel\'s namespace "slipway-dev"',
    ],
    [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'admin2' },
      },
      'ClusterRole admin2: ClusterRole is cluster-scoped',
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        stringData: { password: 'hunter2' },
      },
      'Secret db: a Secret with data or stringData would put a secret value in Slipway',
    ],
    [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: {} },
      'Secret db: a Secret with data or stringData',
    ],
  ])('refuses %j, naming the file and the object', (object, message) => {
    expect(() => validateSet([at(object)], context)).toThrow(message);
  });

  it('never repeats a secret value in its error', () => {
    expect(() =>
      validateSet(
        [
          at({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'db' },
            stringData: { password: 'hunter2' },
          }),
        ],
        context,
      ),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });

  it('allows a cluster-scoped kind the platform allows', () => {
    const [object] = validateSet(
      [
        at({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'reader' },
        }),
      ],
      { ...context, allowedClusterScopedKinds: ['ClusterRole'] },
    );
    expect(object.metadata?.namespace).toBeUndefined();
  });

  it('refuses duplicates, naming both files', () => {
    expect(() =>
      validateSet(
        [at(configMap('x'), 'base/a.yaml'), at(configMap('x'), 'base/b.yaml')],
        context,
      ),
    ).toThrow(
      'base/b.yaml: ConfigMap x: the same object is also in base/a.yaml',
    );
  });

  it('refuses an empty set', () => {
    expect(() => validateSet([], context)).toThrow(
      'Slipway does not apply an empty set',
    );
  });

  it('lists every problem at once', () => {
    let message = '';
    try {
      validateSet(
        [
          at(configMap('ok')),
          at(configMap('a', { namespace: 'other' }), 'x.yaml'),
          at(
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
            'y.yaml',
          ),
        ],
        context,
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('x.yaml: ConfigMap a');
    expect(message).toContain('y.yaml: Namespace n');
  });
});
