import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ReleaseChannel } from '@slipway/plugin-deploy-common';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { testChannel } from '../kubernetes/__testUtils__/localCluster';
import { RenderedSet } from '../manifests/renderedSet';
import { DeploymentRunner } from './DeploymentRunner';

// The deploy window as the runner sees it, when a deployment is about to
// start. The cluster is the unit's edge: a client that records its calls.
describe('DeploymentRunner and deploy windows', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(restoredFrom?: string) {
    const store = await DatabaseDeploymentStore.fromKnex(
      await databases.init('SQLITE_3'),
    );
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
    });
    // Open on one day only, three days from now: closed today, whatever the hour.
    const openDay = (new Date().getUTCDay() + 3) % 7;
    const channel: ReleaseChannel = {
      ...testChannel(),
      name: 'prod',
      policy: {
        ...testChannel().policy,
        deployWindow: { days: [openDay], start: '09:00', end: '17:00' },
      },
    };
    const calls: string[] = [];
    const client = new Proxy(
      {},
      {
        get: (_target, method: string) => async () => {
          calls.push(method);
          return method.startsWith('list') || method === 'applyObjects'
            ? []
            : undefined;
        },
      },
    ) as ClusterClient;
    const runner = new DeploymentRunner({
      store,
      channels: [channel],
      clusterFor: () => client,
      logger: mockServices.logger.mock(),
    });
    const set: RenderedSet = {
      objects: [],
      source: { kind: 'generated', ...(restoredFrom && { restoredFrom }) },
    };
    const deployment = await store.createDeployment({
      service: 'checkout',
      channel: 'prod',
      version: '1.2.0',
      requestedBy: 'user:default/alice',
      set,
    });
    const claimed = await store.claimNext({ workerId: 'w', leaseSeconds: 60 });
    const step = () =>
      runner.step(claimed!, {
        claim: claimed!.claim!,
        signal: new AbortController().signal,
      });
    return { store, deployment, calls, step };
  }

  it('waits for the window to open, approved or not, touching nothing', async () => {
    const { store, deployment, calls, step } = await setup();
    const outcome = await step();
    expect(outcome.next).toBe('wait');
    expect(outcome.next === 'wait' && outcome.ms).toBeGreaterThan(0);
    expect(calls).toEqual([]);
    const fresh = await store.getDeployment(deployment.id);
    expect(fresh).toMatchObject({
      status: 'requested',
      step: 'waiting-for-window',
    });
    const events = await store.listEvents(deployment.id);
    expect(events.map(e => e.type)).toEqual(['waiting-for-window']);
    expect(events[0].message).toMatch(
      /^prod takes deployments only 09:00–17:00 UTC on days \d \(0 = Sunday\); this one starts when the window opens, in \d+ min$/,
    );
  });

  it('lets a rollback start outside the window', async () => {
    const { store, deployment, calls, step } = await setup('an-earlier-one');
    await step();
    expect(calls.length).toBeGreaterThan(0);
    expect((await store.getDeployment(deployment.id))?.status).toBe(
      'rolling_out',
    );
  });
});
