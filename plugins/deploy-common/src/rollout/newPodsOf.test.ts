import { DaemonSetShape, PodShape, StatefulSetShape } from './kubernetesShapes';
import { newPodsOf } from './newPodsOf';

const pod = (name: string, labels: Record<string, string>): PodShape => ({
  metadata: { name, labels },
});

const names = (pods: PodShape[]) => pods.map(p => p.metadata?.name);

describe('newPodsOf', () => {
  describe('StatefulSet', () => {
    const sts: StatefulSetShape = {
      metadata: { name: 'ledger-db', generation: 4 },
      status: {
        currentRevision: 'ledger-db-7c9d8f6b5',
        updateRevision: 'ledger-db-5b8f7d9c4',
      },
    };
    const pods = [
      pod('ledger-db-0', {
        app: 'ledger-db',
        'controller-revision-hash': 'ledger-db-7c9d8f6b5',
        'statefulset.kubernetes.io/pod-name': 'ledger-db-0',
      }),
      pod('ledger-db-1', {
        app: 'ledger-db',
        'controller-revision-hash': 'ledger-db-5b8f7d9c4',
      }),
      pod('ledger-db-2', {
        app: 'ledger-db',
        'controller-revision-hash': 'ledger-db-5b8f7d9c4',
      }),
      pod('stray', { app: 'ledger-db' }),
    ];

    it('keeps the pods at the update revision', () => {
      expect(names(newPodsOf('StatefulSet', sts, pods))).toEqual([
        'ledger-db-1',
        'ledger-db-2',
      ]);
    });

    it('keeps none while the status names no update revision', () => {
      expect(
        newPodsOf('StatefulSet', { metadata: sts.metadata, status: {} }, pods),
      ).toEqual([]);
    });

    it('returns the very pod objects it was given', () => {
      const [first] = newPodsOf('StatefulSet', sts, pods);
      expect(first).toBe(pods[1]);
    });
  });

  describe('DaemonSet', () => {
    const pods = [
      pod('log-shipper-a1b2c', {
        'controller-revision-hash': '6c4f9d7b8',
        'pod-template-generation': '2',
      }),
      pod('log-shipper-d3e4f', {
        'controller-revision-hash': '58b7c9f6d',
        'pod-template-generation': '3',
      }),
      pod('log-shipper-g5h6i', { 'pod-template-generation': '4' }),
    ];

    it.each<[string, DaemonSetShape, string[]]>([
      [
        'by the template-generation annotation the API server keeps',
        {
          metadata: {
            generation: 3,
            annotations: { 'deprecated.daemonset.template.generation': '3' },
          },
        },
        ['log-shipper-d3e4f'],
      ],
      [
        'by the annotation when a spec change left the template alone',
        {
          metadata: {
            generation: 4,
            annotations: { 'deprecated.daemonset.template.generation': '3' },
          },
        },
        ['log-shipper-d3e4f'],
      ],
      [
        'by metadata.generation without the annotation',
        { metadata: { generation: 2 } },
        ['log-shipper-a1b2c'],
      ],
      ['none without a generation', { metadata: {} }, []],
    ])('keeps the newest generation %s', (_label, ds, expected) => {
      expect(names(newPodsOf('DaemonSet', ds, pods))).toEqual(expected);
    });
  });
});
