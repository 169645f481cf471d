import { ClusterClient } from '../kubernetes/ClusterClient';
import { DEPLOYMENT_ID_ANNOTATION } from '../kubernetes/serviceObjects/slipwayLabels';
import { SetObject } from '../manifests/renderedSet';
import { judgeSet } from './judgeSet';

const APPLIED_AT = '2026-12-02T10:00:00.000Z';

function deployment(id: string, image: string): SetObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u1',
      annotations: {
        [DEPLOYMENT_ID_ANNOTATION]: id,
        'deployment.kubernetes.io/revision': '3',
      },
      generation: 4,
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image }] } },
    },
  } as SetObject;
}

/** The cluster as it is at one moment: the live Deployment and its newest ReplicaSet. */
function clusterWith(live: SetObject, replicaSetId: string, status: object) {
  return {
    getObject: async () => ({ ...live, status }),
    listReplicaSets: async () => [
      {
        metadata: {
          name: 'web-abc',
          labels: { 'pod-template-hash': 'abc' },
          annotations: {
            'deployment.kubernetes.io/revision': '3',
            [DEPLOYMENT_ID_ANNOTATION]: replicaSetId,
          },
          ownerReferences: [{ uid: 'u1' }],
        },
      },
    ],
    listPods: async () => [],
  } as unknown as ClusterClient;
}

const complete = {
  observedGeneration: 4,
  replicas: 1,
  updatedReplicas: 1,
  availableReplicas: 1,
  readyReplicas: 1,
};

describe('judgeSet, on whose revision runs', () => {
  const applied = deployment('d-2', 'registry/web:2.0.0');
  const judge = (live: SetObject, rsId: string, status: object = complete) =>
    judgeSet(clusterWith(live, rsId, status), [applied], {
      deadline: { since: APPLIED_AT, seconds: 300 },
    });

  it("is complete when this deployment's revision rolled out", async () => {
    expect((await judge(applied, 'd-2')).state).toBe('complete');
  });

  it('accepts an image pinned to its digest by an admission webhook', async () => {
    const pinned = deployment('d-2', 'registry/web:2.0.0@sha256:abc');
    expect((await judge(pinned, 'd-2')).state).toBe('complete');
  });

  it('waits while the newest ReplicaSet still carries an earlier deployment', async () => {
    expect((await judge(applied, 'd-1')).state).toBe('progressing');
  });

  it('fails a Deployment someone else reverted, instead of counting it a success', async () => {
    const undone = await judge(deployment('d-1', 'registry/web:1.0.0'), 'd-1');
    expect(undone).toMatchObject({
      state: 'failed',
      reason: 'ChangedByOthers',
    });
    expect(undone.message).toContain('it now carries deployment d-1, not d-2');

    const imageOnly = await judge(
      deployment('d-2', 'registry/web:1.0.0'),
      'd-2',
    );
    expect(imageOnly).toMatchObject({
      state: 'failed',
      reason: 'ChangedByOthers',
    });
    expect(imageOnly.message).toContain(
      'container app now runs registry/web:1.0.0, not registry/web:2.0.0',
    );
  });

  it('ignores a progress-deadline condition older than the apply', async () => {
    const condition = (lastUpdateTime: string) => ({
      ...complete,
      updatedReplicas: 0,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          lastUpdateTime,
        },
      ],
    });
    expect(
      (await judge(applied, 'd-2', condition('2026-12-02T09:59:00Z'))).state,
    ).toBe('progressing');
    expect(
      (await judge(applied, 'd-2', condition('2026-12-02T10:05:00Z'))).state,
    ).toBe('failed');
  });
});
