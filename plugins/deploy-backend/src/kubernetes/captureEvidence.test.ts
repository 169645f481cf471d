import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import { ClusterClient } from './ClusterClient';
import { captureEvidence } from './captureEvidence';

function pod(name: string, restartCount: number, ready = false): V1Pod {
  return {
    metadata: { name, annotations: { 'slipway.dev/version': '2.0.0' } },
    spec: { containers: [{ name: 'app', image: 'shop/checkout:2.0.0' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'app',
          image: 'shop/checkout:2.0.0',
          imageID: '',
          ready,
          restartCount,
          state: ready
            ? { running: { startedAt: new Date('2026-11-27T10:00:00Z') } }
            : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
          ...(restartCount > 0 && {
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                finishedAt: new Date('2026-11-27T10:00:05Z'),
              },
            },
          }),
        },
      ],
    },
  };
}

const event = (name: string, reason: string): CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: 'Pod', name },
  reason,
  message: `${reason} happened`,
  type: 'Warning',
  count: 3,
  lastTimestamp: new Date('2026-11-27T10:00:06Z'),
});

function fakeClient(pods: V1Pod[], vanished: string[] = []) {
  const client = {
    listPods: jest.fn(async () => pods),
    readPodLog: jest.fn(
      async (_ns: string, podName: string, _c: string, options) => {
        if (vanished.includes(podName)) {
          throw new NotFoundError(`pod ${podName} not found`);
        }
        return options?.previous ? 'fatal: exiting with status 1' : 'starting';
      },
    ),
    listEvents: jest.fn(async () => [event('checkout-a', 'BackOff')]),
  };
  return client as typeof client & ClusterClient;
}

describe('captureEvidence', () => {
  it('captures container states, exit codes, both logs and events', async () => {
    const client = fakeClient([pod('checkout-a', 2)]);

    const evidence = await captureEvidence(client, {
      kind: 'rollout',
      namespace: 'slipway-dev',
      labelSelector: 'app.kubernetes.io/name=checkout',
      podTemplateHash: 'abc123',
      objectNames: ['checkout'],
    });

    expect(client.listPods).toHaveBeenCalledWith(
      'slipway-dev',
      'app.kubernetes.io/name=checkout,pod-template-hash=abc123',
    );
    expect(client.readPodLog).toHaveBeenCalledWith(
      'slipway-dev',
      'checkout-a',
      'app',
      { previous: true, tailLines: 200 },
    );
    expect(client.listEvents).toHaveBeenCalledWith('slipway-dev', [
      'checkout-a',
      'checkout',
    ]);
    expect(evidence).toEqual({
      kind: 'rollout',
      capturedAt: expect.any(String),
      pods: [
        {
          name: 'checkout-a',
          containers: [
            {
              name: 'app',
              image: 'shop/checkout:2.0.0',
              ready: false,
              restartCount: 2,
              state: 'waiting',
              reason: 'CrashLoopBackOff',
              message: 'back-off',
              lastTerminated: {
                reason: 'Error',
                exitCode: 1,
                finishedAt: '2026-11-27T10:00:05.000Z',
              },
              logs: 'starting',
              previousLogs: 'fatal: exiting with status 1',
            },
          ],
        },
      ],
      events: [
        {
          reason: 'BackOff',
          message: 'BackOff happened',
          type: 'Warning',
          object: 'Pod/checkout-a',
          count: 3,
          lastSeen: '2026-11-27T10:00:06.000Z',
        },
      ],
    });
  });

  it('reads no previous log of a container that never restarted', async () => {
    const client = fakeClient([pod('checkout-a', 0, true)]);
    const evidence = await captureEvidence(client, {
      kind: 'migration',
      namespace: 'slipway-dev',
      labelSelector: 'job-name=checkout-migrate-1',
    });
    expect(client.readPodLog).toHaveBeenCalledTimes(1);
    expect(evidence.pods[0].containers[0]).not.toHaveProperty('previousLogs');
  });

  it('keeps what it saw of a pod that vanished mid-capture, and puts failing pods first', async () => {
    const client = fakeClient(
      [pod('checkout-ok', 0, true), pod('checkout-gone', 4)],
      ['checkout-gone'],
    );
    const evidence = await captureEvidence(client, {
      kind: 'rollout',
      namespace: 'slipway-dev',
      labelSelector: 'app.kubernetes.io/name=checkout',
    });
    expect(evidence.pods.map(p => p.name)).toEqual([
      'checkout-gone',
      'checkout-ok',
    ]);
    expect(evidence.pods[0].containers[0]).toMatchObject({
      restartCount: 4,
      lastTerminated: { exitCode: 1 },
    });
    expect(evidence.pods[0].containers[0]).not.toHaveProperty('logs');
  });
});
