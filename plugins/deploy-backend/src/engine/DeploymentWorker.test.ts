import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { StoredDeployment } from '../database/DeploymentStore';
import { ClusterError } from '../kubernetes/kubernetesErrors';
import { DeploymentRunner, StepOutcome } from './DeploymentRunner';
import { DeploymentWorker } from './DeploymentWorker';

jest.setTimeout(60_000);

// The worker's own rules (claims, heartbeats, waits, retries) on the real
// store; the runner, which talks to Kubernetes, is the unit's edge.
describe('DeploymentWorker', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const workers: DeploymentWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map(w => w.stop()));
  });

  async function setup(
    databaseId: TestDatabaseId,
    step: (
      d: StoredDeployment,
      driver: { claim: string; signal: AbortSignal },
    ) => Promise<StepOutcome>,
    settings: { concurrency?: number; maxAttempts?: number } = {},
  ) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    await store.registerService({
      name: 'checkout',
      entityRef: 'component:default/checkout',
      ownerRef: 'group:default/team-payments',
      spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
    });
    const failures: string[] = [];
    const runner = {
      step,
      failOnError: async (d: StoredDeployment, claim: string, why: string) => {
        failures.push(why);
        await store.transition(d.id, {
          from: [d.status],
          to: 'failed',
          claim,
          event: { type: 'failed', message: why },
        });
      },
    } as unknown as DeploymentRunner;
    const worker = new DeploymentWorker({
      store,
      runner,
      logger: mockServices.logger.mock(),
      workerId: 'test-worker',
      pollIntervalMs: 50,
      retryDelayMs: () => 100,
      settings: { leaseSeconds: 3, ...settings },
    });
    workers.push(worker);
    const request = (channel: string) =>
      store.createDeployment({
        service: 'checkout',
        channel,
        version: '1.0.0',
        requestedBy: 'user:default/alice',
      });
    return { knex, store, worker, failures, request };
  }

  async function until<T>(what: string, check: () => Promise<T | undefined>) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('aborts a step as soon as its claim is taken over, even mid-step', async () => {
      let aborted = false;
      const { knex, store, worker, request } = await setup(
        databaseId,
        (_d, { signal }) =>
          new Promise(resolve => {
            // A step that hangs (a Kubernetes call without an answer).
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve({ next: 'done' });
            });
          }),
      );
      const { id } = await request('dev');
      worker.start();
      await until(
        'the claim',
        async () =>
          (
            await knex('deployments').where({ id }).first()
          )?.claim_token,
      );
      // Another driver takes the deployment over.
      await knex('deployments').where({ id }).update({ claim_token: 'other' });
      await until('the step to be aborted', async () => aborted);
      // The old driver released nothing of the new claim.
      expect(
        (await knex('deployments').where({ id }).first()).claim_token,
      ).toBe('other');
      expect((await store.getDeployment(id))?.status).toBe('requested');
    });

    it('holds no slot while a deployment waits', async () => {
      const stepped: string[] = [];
      const { knex, store, worker, request } = await setup(
        databaseId,
        async (d, { claim }) => {
          stepped.push(d.channel);
          if (d.channel === 'dev') {
            return { next: 'wait', ms: 60_000 };
          }
          await store.transition(d.id, {
            from: ['requested'],
            to: 'succeeded',
            claim,
          });
          return { next: 'done' };
        },
        { concurrency: 1 },
      );
      const waiting = await request('dev');
      const next = await request('staging');
      worker.start();
      await until('the second deployment to finish', async () =>
        (await store.getDeployment(next.id))?.status === 'succeeded'
          ? true
          : undefined,
      );
      const row = await knex('deployments').where({ id: waiting.id }).first();
      expect(row.claim_token).toBeNull();
      expect(new Date(row.due_at).getTime()).toBeGreaterThan(
        Date.now() + 50_000,
      );
      expect(stepped).toEqual(['dev', 'staging']);
    });

    it('retries a transient error with backoff, then gives up at the limit', async () => {
      let steps = 0;
      const { store, worker, failures, request } = await setup(
        databaseId,
        async () => {
          steps += 1;
          throw new ClusterError(
            'Cluster local did not answer (timed out)',
            503,
            'ETIMEDOUT',
          );
        },
        { maxAttempts: 3 },
      );
      const { id } = await request('dev');
      worker.start();
      await until('the deployment to fail', async () =>
        (await store.getDeployment(id))?.status === 'failed' ? true : undefined,
      );
      expect(steps).toBe(3);
      const events = await store.listEvents(id);
      expect(events.filter(e => e.type === 'retrying')).toHaveLength(2);
      expect(failures).toEqual([
        'gave up after 3 failed attempts in a row; the last: Cluster local did not answer (timed out)',
      ]);
    });

    it('fails at once on an answer no retry changes', async () => {
      let steps = 0;
      const { store, worker, failures, request } = await setup(
        databaseId,
        async () => {
          steps += 1;
          throw new ClusterError(
            'The cluster refused Deployment checkout: spec.template.spec.containers[0].env[0].name: Invalid value: "A=B"',
            502,
            'Unprocessable Entity',
            422,
          );
        },
      );
      const { id } = await request('dev');
      worker.start();
      await until('the deployment to fail', async () =>
        (await store.getDeployment(id))?.status === 'failed' ? true : undefined,
      );
      expect(steps).toBe(1);
      expect(failures).toEqual([
        'The cluster refused Deployment checkout: spec.template.spec.containers[0].env[0].name: Invalid value: "A=B"',
      ]);
      expect(
        (await store.listEvents(id)).filter(e => e.type === 'retrying'),
      ).toHaveLength(0);
    });
  });
});
