// A deployment's life when things go wrong, end to end: the plugin in a test
// backend deploys through the local cluster's least-privilege account while
// the API server refuses what it applies (an invalid object, a quota, revoked
// RBAC), on-call rolls back or cancels in the middle of a rollout or a soak,
// and someone else reverts the Deployment by hand. Every deployment must end,
// quickly, with the right verdict; the figures are printed at the end.
// Pods follow the version (tools/local-cluster/README.md): "1.0.0" is
// healthy, "-slowNs" is ready after N seconds.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DeploymentDetails } from '@slipway/plugin-deploy-common';
import {
  describeOnCluster,
  uniqueServiceName,
  waitFor,
} from '../kubernetes/__testUtils__/localCluster';
import {
  LIFECYCLE_CHANNELS,
  LifecycleApi,
  LifecycleChannel,
  describeEnd,
  secondsUntilEnd,
  startLifecycleBackend,
} from './__testUtils__/lifecycleBackend';
import {
  FAULTS_NAMESPACE,
  QUOTA_NAME,
  admitNoNewDeployments,
  appImage,
  liveDeployment,
  removeQuota,
  restoreDeployerAccess,
  revertByHand,
  revokeDeployerAccess,
  rolledOutTo,
} from './__testUtils__/lifecycleCluster';
import { deleteServiceObjects } from './__testUtils__/deleteServiceObjects';

jest.setTimeout(240_000);

/** The longest from a fault (or an on-call action) to the deployment's final status. */
const WITHIN_SECONDS = 20;

/**
 * Rollbacks to an existing ReplicaSet, each judged and checked against the
 * cluster: this many services in parallel, each rolled back this many times.
 */
const PING_PONG = { services: 2, rollbacks: 25 };
const ROLLBACKS = PING_PONG.services * PING_PONG.rollbacks;

const image = (name: string, version: string) =>
  `registry.local/shop/${name}:${version}`;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A Deployment of a service's own manifests; `env` lines go under its container. */
const deploymentYaml = (name: string, env = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: registry.local/shop/${name}
${env}`;

interface Figure {
  scenario: string;
  database: string;
  /** Seconds from the fault or action to the final status. */
  seconds: number;
  verdicts: number;
  wrong: number;
  note?: string;
  /** Why the deployment ended, as its timeline says. */
  reason?: string;
}

function timeline(d: DeploymentDetails): string {
  return d.events.map(e => `${e.type}: ${e.message}`).join('\n');
}

describeOnCluster(
  "a deployment's life under faults and on-call actions",
  () => {
    const databases = TestDatabases.create({
      ids: ['SQLITE_3', 'POSTGRES_15'],
    });
    const supported = databases.eachSupportedId().map(([id]) => id);
    // The long scenarios run once, on the production database when there is one.
    const heavy: TestDatabaseId = supported.includes('POSTGRES_15')
      ? 'POSTGRES_15'
      : 'SQLITE_3';
    const figures: Figure[] = [];
    const created: Array<{ namespace: string; name: string }> = [];
    let manifestsRoot: string;

    /** A new service name, its objects deleted after the run. */
    function serviceName(purpose: string, channel: LifecycleChannel): string {
      const name = uniqueServiceName(purpose);
      created.push({ namespace: LIFECYCLE_CHANNELS[channel].namespace, name });
      return name;
    }

    beforeAll(async () => {
      manifestsRoot = await fs.mkdtemp(
        path.join(os.tmpdir(), 'slipway-lifecycle-'),
      );
    });

    afterAll(async () => {
      // Whatever failed: the fault namespace is left as it was found.
      await removeQuota();
      await restoreDeployerAccess();
      for (const { namespace } of Object.values(LIFECYCLE_CHANNELS)) {
        await deleteServiceObjects({
          kubeconfigPath: process.env.SLIPWAY_ADMIN_KUBECONFIG!,
          namespace,
          services: created
            .filter(c => c.namespace === namespace)
            .map(c => c.name),
        });
      }
      await fs.rm(manifestsRoot, { recursive: true, force: true });
      const rows = figures.map(
        f =>
          `${f.scenario.padEnd(58)} ${f.database.padEnd(12)} ${f.seconds
            .toFixed(2)
            .padStart(6)} s  verdicts ${String(f.verdicts).padStart(
            3,
          )}  wrong ${f.wrong}${f.note ? `  (${f.note})` : ''}${
            f.reason ? `\n      ${f.reason}` : ''
          }`,
      );
      // eslint-disable-next-line no-console
      console.log(
        `Lifecycle figures (time from the fault or action to the final status):\n${rows.join(
          '\n',
        )}`,
      );
    });

    describe.each(supported)('permanent errors, on %p', databaseId => {
      let api: LifecycleApi;

      beforeAll(async () => {
        api = await startLifecycleBackend({
          knex: await databases.init(databaseId),
          manifestsRoot,
        });
      });

      afterAll(async () => {
        await api?.stop();
      });

      it('fails a set the API server finds invalid (422) at once; the channel stays free and a rollback works', async () => {
        // Slipway's own check refuses the name when it renders the Deployment
        // itself, before anything is stored.
        const refused = await api.register(uniqueServiceName('envname'), {
          'A=B': 'x',
        });
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain(
          '"A=B" is not a valid environment variable name',
        );

        // A service's own manifests are the API server's to validate.
        const name = serviceName('invalid', 'invalid');
        const { namespace } = LIFECYCLE_CHANNELS.invalid;
        const good = { 'deployment.yaml': deploymentYaml(name) };
        await api.publishManifests(name, good);
        await api.deploySucceeded(name, 'invalid', '1.0.0');
        await api.publishManifests(name, {
          'deployment.yaml': deploymentYaml(
            name,
            '        env:\n        - {name: "A=B", value: "x"}\n',
          ),
        });

        const requestedAt = Date.now();
        const bad = await api.finished(
          await api.requestDeployment(name, 'invalid', '1.1.0'),
        );
        const seconds = secondsUntilEnd(bad, requestedAt);
        expect(bad.deployment.status).toBe('failed');
        const reason = bad.events[bad.events.length - 1].message;
        expect(reason).toContain('refused it (422)');
        expect(reason).toContain('A=B');
        expect(reason).toContain('Nothing was applied');
        expect(bad.events.map(e => e.type)).not.toContain('retrying');
        expect(seconds).toBeLessThan(WITHIN_SECONDS);
        expect(await appImage(namespace, name)).toBe(image(name, '1.0.0'));

        // The channel is free: the next request is taken (and refused the same way).
        const again = await api.finished(
          await api.requestDeployment(name, 'invalid', '1.1.0'),
        );
        expect(again.deployment.status).toBe('failed');

        await api.publishManifests(name, good);
        const rolledBack = await api.finished(
          await api.rollback(name, 'invalid'),
        );
        expect(describeEnd(rolledBack)).toBe('succeeded');
        expect(rolledBack.deployment.version).toBe('1.0.0');
        expect(await appImage(namespace, name)).toBe(image(name, '1.0.0'));
        figures.push({
          scenario: '5a invalid object (422), dry run',
          database: databaseId,
          seconds,
          verdicts: 3,
          wrong: 0,
          reason,
        });
      });

      it('fails a set a ResourceQuota refuses (403 exceeded quota) at once; the channel stays free and a rollback works', async () => {
        const name = serviceName('quota', 'faults');
        const worker = `${name}-worker`;
        await api.publishManifests(name, {
          'deployment.yaml': deploymentYaml(name),
        });
        await api.deploySucceeded(name, 'faults', '1.0.0');
        // The next version adds a worker Deployment; the namespace admits no new one.
        await api.publishManifests(name, {
          'deployment.yaml': deploymentYaml(name),
          'worker.yaml': deploymentYaml(worker),
        });
        let seconds = NaN;
        let reason = '';
        await admitNoNewDeployments();
        try {
          const requestedAt = Date.now();
          const bad = await api.finished(
            await api.requestDeployment(name, 'faults', '1.1.0'),
          );
          seconds = secondsUntilEnd(bad, requestedAt);
          expect(bad.deployment.status).toBe('failed');
          reason = bad.events[bad.events.length - 1].message;
          expect(reason).toContain(`Deployment ${worker}`);
          expect(reason).toContain('exceeded quota');
          expect(reason).toContain(QUOTA_NAME);
          expect(bad.events.map(e => e.type)).not.toContain('retrying');
          expect(seconds).toBeLessThan(WITHIN_SECONDS);
          expect(await appImage(FAULTS_NAMESPACE, name)).toBe(
            image(name, '1.0.0'),
          );

          const again = await api.finished(
            await api.requestDeployment(name, 'faults', '1.1.0'),
          );
          expect(again.deployment.status).toBe('failed');
        } finally {
          await removeQuota();
        }

        const rolledBack = await api.finished(
          await api.rollback(name, 'faults'),
        );
        expect(describeEnd(rolledBack)).toBe('succeeded');
        expect(await appImage(FAULTS_NAMESPACE, name)).toBe(
          image(name, '1.0.0'),
        );
        figures.push({
          scenario: '5b quota refuses a new Deployment (403), dry run',
          database: databaseId,
          seconds,
          verdicts: 3,
          wrong: 0,
          reason,
        });
      });

      it("ends a rollout within seconds when Slipway's RBAC is revoked mid-way, without retrying; the channel stays free and a rollback works once it is back", async () => {
        const name = serviceName('rbac', 'faults');
        expect((await api.register(name)).status).toBe(201);
        await api.deploySucceeded(name, 'faults', '1.0.0');
        const id = await api.requestDeployment(name, 'faults', '1.1.0-slow30s');
        await api.rollingOut(id);

        let seconds = NaN;
        let status = '';
        let reason = '';
        try {
          const revokedAt = await revokeDeployerAccess();
          const ended = await api.finished(id, 60_000);
          seconds = secondsUntilEnd(ended, revokedAt);
          status = ended.deployment.status;
          reason = ended.events[ended.events.length - 1].message;
          // The rollback cannot be applied either: it ends failed, saying why.
          expect(['failed', 'rolled_back']).toContain(status);
          expect(timeline(ended)).toContain("Slipway's account may not");
          expect(ended.events.map(e => e.type)).not.toContain('retrying');
          expect(seconds).toBeLessThan(WITHIN_SECONDS);

          const next = await api.finished(
            await api.requestDeployment(name, 'faults', '1.2.0'),
          );
          expect(next.deployment.status).toBe('failed');
          expect(timeline(next)).toContain("Slipway's account may not");
        } finally {
          await restoreDeployerAccess();
        }

        const rolledBack = await api.finished(
          await api.rollback(name, 'faults'),
        );
        expect(describeEnd(rolledBack)).toBe('succeeded');
        expect(rolledBack.deployment.version).toBe('1.0.0');
        expect(
          (await rolledOutTo(FAULTS_NAMESPACE, name, image(name, '1.0.0')))
            .done,
        ).toBe(true);
        figures.push({
          scenario: `5c RBAC revoked mid-rollout -> ${status}`,
          database: databaseId,
          seconds,
          verdicts: 3,
          wrong: 0,
          reason,
        });
      });
    });

    describe(`on-call, on ${heavy}`, () => {
      it('a rollback during a soak pre-empts it: the soak ends cancelled at once and the last succeeded version runs again', async () => {
        const knex = await databases.init(heavy);
        const name = serviceName('soak', 'soak');
        const { namespace } = LIFECYCLE_CHANNELS.soak;
        // The platform team turns the channel's 60 s soak on after the
        // service's first version there (a config change and a restart).
        const before = await startLifecycleBackend({
          knex,
          manifestsRoot,
          channelOverrides: { soak: { soakSeconds: 0 } },
        });
        expect((await before.register(name)).status).toBe(201);
        await before.deploySucceeded(name, 'soak', '1.0.0');
        await before.stop();

        const api = await startLifecycleBackend({ knex, manifestsRoot });
        try {
          const id = await api.requestDeployment(name, 'soak', '1.1.0');
          await api.waitForStatus(id, ['soaking'], 60_000);
          const askedAt = Date.now();
          const rollbackId = await api.rollback(name, 'soak');
          const preempted = await api.finished(id, 10_000);
          const secondsToCancel = secondsUntilEnd(preempted, askedAt);
          expect(preempted.deployment.status).toBe('cancelled');
          expect(timeline(preempted)).toContain(
            'Pre-empted by a rollback requested by user:default/alice while soaking',
          );
          expect(secondsToCancel).toBeLessThan(5);

          await waitFor(
            'the last succeeded version to run again',
            async () =>
              (
                await rolledOutTo(namespace, name, image(name, '1.0.0'))
              ).done,
            60_000,
          );
          const secondsToRestore = (Date.now() - askedAt) / 1000;
          // A rollback does not soak again: the set it restores already did.
          const rolledBack = await api.finished(rollbackId, 60_000);
          expect(rolledBack.events.map(e => e.type)).not.toContain(
            'soak-started',
          );
          expect(describeEnd(rolledBack)).toBe('succeeded');
          expect(rolledBack.deployment.version).toBe('1.0.0');
          expect(await appImage(namespace, name)).toBe(image(name, '1.0.0'));
          // Its driver wrote nothing after it was pre-empted.
          const after = await api.details(id);
          expect(after.deployment.status).toBe('cancelled');
          expect(after.events[after.events.length - 1].type).toBe('cancelled');
          figures.push({
            scenario: '6 rollback pre-empts a soak: soak cancelled',
            database: heavy,
            seconds: secondsToCancel,
            verdicts: 1,
            wrong: 0,
          });
          figures.push({
            scenario: '6 ... the last succeeded version runs again',
            database: heavy,
            seconds: secondsToRestore,
            verdicts: 1,
            wrong: 0,
          });
          figures.push({
            scenario: '6 ... the rollback succeeded (no second soak)',
            database: heavy,
            seconds: secondsUntilEnd(rolledBack, askedAt),
            verdicts: 1,
            wrong: 0,
            note: `soak ${LIFECYCLE_CHANNELS.soak.soakSeconds}s`,
          });
        } finally {
          await api.stop();
        }
      });

      describe('in a rollout', () => {
        let api: LifecycleApi;
        const { namespace } = LIFECYCLE_CHANNELS.oncall;

        beforeAll(async () => {
          api = await startLifecycleBackend({
            knex: await databases.init(heavy),
            manifestsRoot,
          });
        });

        afterAll(async () => {
          await api?.stop();
        });

        it('a rollback pre-empts the rollout: it ends cancelled and the last succeeded version runs again', async () => {
          const name = serviceName('preempt', 'oncall');
          expect((await api.register(name)).status).toBe(201);
          await api.deploySucceeded(name, 'oncall', '1.0.0');
          const id = await api.requestDeployment(
            name,
            'oncall',
            '1.1.0-slow30s',
          );
          await api.rollingOut(id);

          const askedAt = Date.now();
          const rollbackId = await api.rollback(name, 'oncall');
          const preempted = await api.finished(id, 10_000);
          expect(preempted.deployment.status).toBe('cancelled');
          expect(timeline(preempted)).toContain(
            'Pre-empted by a rollback requested by user:default/alice while rolling out',
          );
          const rolledBack = await api.finished(rollbackId, 60_000);
          const seconds = secondsUntilEnd(rolledBack, askedAt);
          expect(describeEnd(rolledBack)).toBe('succeeded');
          expect(rolledBack.deployment.version).toBe('1.0.0');
          expect(seconds).toBeLessThan(WITHIN_SECONDS);
          const live = await rolledOutTo(namespace, name, image(name, '1.0.0'));
          expect(live).toMatchObject({ done: true, replicaSets: 2 });
          const after = await api.details(id);
          expect(after.events[after.events.length - 1].type).toBe('cancelled');
          figures.push({
            scenario: '6 rollback pre-empts a rollout (-slow30s)',
            database: heavy,
            seconds,
            verdicts: 2,
            wrong: 0,
            note: `cancelled after ${secondsUntilEnd(preempted, askedAt)}s`,
          });
        });

        it('cancel stops a rollout where it is, its objects left as applied', async () => {
          const name = serviceName('cancel', 'oncall');
          expect((await api.register(name)).status).toBe(201);
          await api.deploySucceeded(name, 'oncall', '1.0.0');
          const id = await api.requestDeployment(
            name,
            'oncall',
            '1.2.0-slow30s',
          );
          await api.rollingOut(id);

          const askedAt = Date.now();
          const cancelled = await api.cancel(id);
          const seconds = (Date.now() - askedAt) / 1000;
          expect(cancelled.status).toBe('cancelled');
          // Nothing moves it on, and nothing is rolled back behind on-call's back.
          await sleep(3_000);
          const after = await api.details(id);
          expect(after.deployment.status).toBe('cancelled');
          const last = after.events[after.events.length - 1];
          expect(last.type).toBe('cancelled');
          expect(last.message).toContain(
            'Cancelled by user:default/alice while rolling out. Its objects stay as they were applied',
          );
          const live = await liveDeployment(namespace, name);
          expect(live.spec?.template.spec?.containers[0].image).toBe(
            image(name, '1.2.0-slow30s'),
          );
          expect(
            live.metadata?.annotations?.['slipway.dev/deployment-id'],
          ).toBe(id);
          // As the message says: a rollback restores the last that succeeded.
          const rolledBack = await api.finished(
            await api.rollback(name, 'oncall'),
          );
          expect(describeEnd(rolledBack)).toBe('succeeded');
          expect(rolledBack.deployment.version).toBe('1.0.0');
          figures.push({
            scenario: '6 cancel during a rollout (-slow30s)',
            database: heavy,
            seconds,
            verdicts: 2,
            wrong: 0,
          });
        });
      });
    });

    describe(`judgement, on ${heavy}`, () => {
      let api: LifecycleApi;
      const { namespace } = LIFECYCLE_CHANNELS.judge;

      beforeAll(async () => {
        api = await startLifecycleBackend({
          knex: await databases.init(heavy),
          manifestsRoot,
        });
      });

      afterAll(async () => {
        await api?.stop();
      });

      /**
       * Rolls a service back and forth between 1.0.0 and 1.1.0: each rollback
       * goes back to the version before, whose ReplicaSet the Deployment still
       * has. Returns the wrong verdicts and how long each rollback took.
       */
      async function pingPong(name: string, rollbacks: number) {
        expect((await api.register(name)).status).toBe(201);
        await api.deploySucceeded(name, 'judge', '1.0.0');
        await api.deploySucceeded(name, 'judge', '1.1.0');
        const wrong: string[] = [];
        const seconds: number[] = [];
        let expected = '1.0.0';
        for (let i = 1; i <= rollbacks; i++) {
          const askedAt = Date.now();
          const done = await api.finished(
            await api.rollback(name, 'judge'),
            60_000,
          );
          seconds.push(secondsUntilEnd(done, askedAt));
          // Succeeded must mean the cluster runs it: every replica of the
          // version, on the ReplicaSet it had, nothing of the other left.
          const live = await rolledOutTo(
            namespace,
            name,
            image(name, expected),
          );
          if (
            done.deployment.status !== 'succeeded' ||
            done.deployment.version !== expected ||
            !live.done ||
            live.replicaSets !== 2
          ) {
            wrong.push(
              `${name} #${i} to ${expected}: ${describeEnd(done)}; ${live.why}`,
            );
          }
          expected = expected === '1.0.0' ? '1.1.0' : '1.0.0';
        }
        return { wrong, seconds };
      }

      it(`judges a rollback to an existing ReplicaSet succeeded, ${ROLLBACKS} times, as the cluster sees it`, async () => {
        const startedAt = Date.now();
        const runs = await Promise.all(
          Array.from({ length: PING_PONG.services }, () =>
            pingPong(serviceName('judge', 'judge'), PING_PONG.rollbacks),
          ),
        );
        const wrong = runs.flatMap(r => r.wrong);
        const seconds = runs.flatMap(r => r.seconds);
        figures.push({
          scenario: `7 rollbacks to an existing ReplicaSet`,
          database: heavy,
          seconds: (Date.now() - startedAt) / 1000,
          verdicts: seconds.length,
          wrong: wrong.length,
          note: `${
            PING_PONG.services
          } services in parallel; each rollback ${Math.min(...seconds).toFixed(
            1,
          )}-${Math.max(...seconds).toFixed(1)}s, mean ${(
            seconds.reduce((a, b) => a + b, 0) / seconds.length
          ).toFixed(1)}s`,
        });
        expect(seconds).toHaveLength(ROLLBACKS);
        expect(wrong).toEqual([]);
      });

      it("does not count a revert by someone else as this deployment's success", async () => {
        const name = serviceName('revert', 'judge');
        expect((await api.register(name)).status).toBe(201);
        const first = await api.deploySucceeded(name, 'judge', '1.0.0');
        const id = await api.requestDeployment(name, 'judge', '1.1.0-slow20s');
        await api.rollingOut(id);

        // As `kubectl rollout undo` would: the image and the deployment id of
        // the revision before.
        const revertedAt = Date.now();
        await revertByHand(
          namespace,
          name,
          image(name, '1.0.0'),
          first.deployment.id,
        );
        const ended = await api.finished(id, 60_000);
        const seconds = secondsUntilEnd(ended, revertedAt);
        const verdictRight =
          ['failed', 'rolled_back'].includes(ended.deployment.status) &&
          ended.deployment.result?.rollout?.reason === 'ChangedByOthers';
        figures.push({
          scenario: `7 revert by someone else -> ${ended.deployment.status}`,
          database: heavy,
          seconds,
          verdicts: 1,
          wrong: verdictRight ? 0 : 1,
          reason: `${ended.deployment.result?.rollout?.reason}: ${ended.deployment.result?.rollout?.message}`,
        });
        expect(ended.deployment.status).not.toBe('succeeded');
        expect(['failed', 'rolled_back']).toContain(ended.deployment.status);
        expect(ended.deployment.result?.rollout?.reason).toBe(
          'ChangedByOthers',
        );
        expect(timeline(ended)).toContain('changed by someone else');
        expect(seconds).toBeLessThan(WITHIN_SECONDS);
        await waitFor(
          '1.0.0 to run',
          async () =>
            (
              await rolledOutTo(namespace, name, image(name, '1.0.0'))
            ).done,
          60_000,
        );
      });
    });
  },
);
