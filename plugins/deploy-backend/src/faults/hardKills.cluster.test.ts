// Hard kills: the backend runs in a child process, is killed with SIGKILL at
// random moments while deployments of every kind run, and is started again
// on the same PostgreSQL database. Every deployment must still end as its
// version says, with each step run once and its history whole.
//
// Versions drive the simulated pods (tools/local-cluster/README.md):
// "1.0.0" is healthy, "-slow5s" is ready after 5 s, "-crashloop" and "-fail"
// exit 1 (in a migration Job too, so a service with a migration fails there).
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestDatabases } from '@backstage/backend-test-utils';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  DeploymentDetails,
  DeploymentStatus,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import {
  describeOnCluster,
  uniqueServiceName,
} from '../kubernetes/__testUtils__/localCluster';
import { MigrationJobLog } from './__testUtils__/MigrationJobLog';
import { deleteServiceObjects } from './__testUtils__/deleteServiceObjects';
import {
  BackendUnreachableError,
  callDeployApi,
  readDeployment,
  registerService,
} from './__testUtils__/faultApi';
import { faultSeed, seededRandom } from './__testUtils__/seededRandom';
import {
  BackendProcess,
  killAllBackends,
  spawnBackend,
} from './__testUtils__/spawnBackend';
import { timelineFindings } from './__testUtils__/timelineFindings';

jest.setTimeout(8 * 60_000);

const NAMESPACE = 'slipway-dev';
const MIN_KILLS = 10;
/** Kills stop here even if deployments still run: they then finish in peace. */
const MAX_KILLS = 16;

/** What each service deploys, in order; half of the services run a migration first. */
const SEQUENCES = [
  ['1.0.0', '1.1.0-fail', '1.2.0-slow5s'],
  ['1.0.0-slow5s', '1.1.0', '1.2.0-crashloop'],
  ['1.0.0-crashloop', '1.1.0', '1.2.0-crashloop'],
  ['1.0.0', '1.1.0-crashloop', '1.2.0-slow5s'],
];

interface Plan {
  service: string;
  migration: boolean;
  versions: string[];
  ids: string[];
}

/**
 * The right end of each version of a plan: a crashing version fails its
 * migration (the app untouched), or its rollout, rolled back when an earlier
 * version succeeded in the channel.
 */
function expectedStatuses(plan: Plan): DeploymentStatus[] {
  let succeededBefore = false;
  return plan.versions.map(version => {
    const crashes = /-(fail|crashloop)$/.test(version);
    let status: DeploymentStatus = 'succeeded';
    if (crashes) {
      status = !plan.migration && succeededBefore ? 'rolled_back' : 'failed';
    }
    succeededBefore ||= status === 'succeeded';
    return status;
  });
}

describeOnCluster('hard kills', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const logFile = path.join(
    os.tmpdir(),
    `slipway-hard-kills-${process.pid}.log`,
  );
  const services: string[] = [];

  afterAll(async () => {
    await killAllBackends();
    await deleteServiceObjects({
      kubeconfigPath: process.env.SLIPWAY_ADMIN_KUBECONFIG!,
      namespace: NAMESPACE,
      services,
    });
  });

  if (process.env.SLIPWAY_REQUIRE_POSTGRES) {
    it('runs on PostgreSQL, as the test command requires', () => {
      expect(databases.eachSupportedId().map(([id]) => id)).toContain(
        'POSTGRES_15',
      );
    });
  }

  it.each(databases.eachSupportedId())(
    'ends every deployment right, each step once, through SIGKILLs of the backend, on %p',
    async databaseId => {
      const began = Date.now();
      const seed = faultSeed();
      const random = seededRandom(seed);
      const knex = await databases.init(databaseId);

      const plans: Plan[] = [];
      for (let i = 0; i < 12; i++) {
        const migration = i % 2 === 0;
        plans.push({
          service: uniqueServiceName(migration ? 'kill-m' : 'kill'),
          migration,
          versions: SEQUENCES[Math.floor(i / 2) % SEQUENCES.length],
          ids: [],
        });
      }
      services.push(...plans.map(p => p.service));
      const jobs = await MigrationJobLog.start({
        kubeconfigPath: process.env.SLIPWAY_ADMIN_KUBECONFIG!,
        namespace: NAMESPACE,
        services,
      });

      // The backend of the moment; replaced by a new process after each kill.
      let generation = 0;
      const start = () =>
        spawnBackend({
          database: knex,
          components: services,
          logFile,
          name: `backend #${++generation}`,
        });
      let live: Promise<BackendProcess> = start();
      const first = await live;
      for (const plan of plans) {
        await registerService(first.url, plan.service, plan.migration);
      }

      let retriedRequests = 0;
      const inFlight = new Set<string>();

      /** Calls the API until a live backend answers, across kills. */
      async function untilAnswered<T>(call: (url: string) => Promise<T>) {
        for (;;) {
          try {
            return await call((await live).url);
          } catch (error) {
            if (!(error instanceof BackendUnreachableError)) {
              throw error;
            }
            await sleep(500);
          }
        }
      }

      /**
       * Requests a deployment. When the backend dies mid-request, the
       * deployment may exist without us knowing its id: the service's
       * history, which only this driver adds to, says.
       */
      async function requestDeployment(plan: Plan, version: string) {
        for (;;) {
          try {
            const response = await callDeployApi(
              (
                await live
              ).url,
              'post',
              '/deployments',
              { service: plan.service, channel: 'dev', version },
            );
            if (response.status !== 201) {
              throw new Error(
                `Deploying ${version} of ${plan.service} answered ${
                  response.status
                }: ${JSON.stringify(response.body)}`,
              );
            }
            return response.body.id as string;
          } catch (error) {
            if (!(error instanceof BackendUnreachableError)) {
              throw error;
            }
          }
          retriedRequests++;
          await sleep(1000);
          const history = await untilAnswered(url =>
            callDeployApi(url, 'get', `/deployments?service=${plan.service}`),
          );
          const unknown = (history.body.items as Array<{ id: string }>).find(
            d => !plan.ids.includes(d.id),
          );
          if (unknown) {
            return unknown.id;
          }
        }
      }

      async function untilFinal(id: string): Promise<DeploymentDetails> {
        const deadline = Date.now() + 4 * 60_000;
        for (;;) {
          const details = await untilAnswered(url => readDeployment(url, id));
          if (isFinalDeploymentStatus(details.deployment.status)) {
            return details;
          }
          if (Date.now() > deadline) {
            throw new Error(
              `Deployment ${id} is still ${details.deployment.status} after 4 minutes: stuck`,
            );
          }
          await sleep(1000);
        }
      }

      async function drive(plan: Plan) {
        for (const version of plan.versions) {
          await sleep(random() * 3000);
          const id = await requestDeployment(plan, version);
          plan.ids.push(id);
          inFlight.add(id);
          await untilFinal(id);
          inFlight.delete(id);
        }
      }

      let driving = true;
      const drivers = Promise.all(plans.map(drive)).finally(() => {
        driving = false;
      });

      // Kill at random moments, at least MIN_KILLS times, while deployments run.
      let kills = 0;
      let killsMidDeployment = 0;
      while (kills < MIN_KILLS || (driving && kills < MAX_KILLS)) {
        await sleep(500 + random() * 3000);
        const victim = await live;
        killsMidDeployment += inFlight.size > 0 ? 1 : 0;
        await victim.kill();
        kills++;
        live = start();
        await live;
      }
      await drivers;

      const url = (await live).url;
      const finals = new Map<string, DeploymentDetails>();
      for (const plan of plans) {
        for (const id of plan.ids) {
          finals.set(id, await readDeployment(url, id));
        }
      }
      await jobs.stop();

      const wrongStatuses: string[] = [];
      const findings: string[] = [];
      const apps = (() => {
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromFile(process.env.SLIPWAY_ADMIN_KUBECONFIG!);
        return kubeConfig.makeApiClient(AppsV1Api);
      })();
      for (const plan of plans) {
        const expected = expectedStatuses(plan);
        plan.ids.forEach((id, i) => {
          const { deployment, events } = finals.get(id)!;
          if (deployment.status !== expected[i]) {
            wrongStatuses.push(
              `${plan.service} ${plan.versions[i]}: ${deployment.status}, expected ${expected[i]}`,
            );
          }
          findings.push(...timelineFindings(finals.get(id)!));
          const started = events.filter(e => e.type === 'migration-started');
          const uids = jobs.uidsOf(id);
          // One Job per deployment that migrates, created once; none otherwise.
          if (uids.length !== (plan.migration ? 1 : 0) || started.length > 1) {
            findings.push(
              `${id} (${plan.service} ${plan.versions[i]}): Jobs created ${uids.length}, migration-started events ${started.length}`,
            );
          }
          if (plan.migration && expected[i] === 'failed') {
            if (events.some(e => e.type === 'rollout-started')) {
              findings.push(`${id}: rolled out after its migration failed`);
            }
          }
        });
        // Failed migrations and rollbacks leave the last success running.
        const lastGood = plan.versions.filter(
          (_, i) => expected[i] === 'succeeded',
        );
        const running = await apps.readNamespacedDeployment({
          name: plan.service,
          namespace: NAMESPACE,
        });
        const image = running.spec?.template.spec?.containers[0].image;
        if (
          image !== `registry.local/shop/${plan.service}:${lastGood.at(-1)}`
        ) {
          findings.push(
            `${plan.service} runs ${image}, expected ${lastGood.at(-1)}`,
          );
        }
      }

      const histogram: Record<string, number> = {};
      for (const { deployment } of finals.values()) {
        histogram[deployment.status] = (histogram[deployment.status] ?? 0) + 1;
      }
      const migrationJobs = [...finals.keys()].filter(
        id => jobs.uidsOf(id).length > 0,
      ).length;
      process.stdout.write(
        [
          '',
          `Hard kills on PostgreSQL (seed ${seed}; backend logs: ${logFile})`,
          `  deployments:        ${finals.size} over ${
            plans.length
          } services (${
            plans.filter(p => p.migration).length
          } with migrations)`,
          `  SIGKILLs:           ${kills} (${killsMidDeployment} with deployments in flight), restarts: ${kills}`,
          `  requests retried:   ${retriedRequests} (the backend died under them)`,
          `  final statuses:     ${JSON.stringify(histogram)}`,
          `  migration Jobs:     ${migrationJobs}, created twice: ${
            jobs.duplicates().length
          }`,
          `  wrong final status: ${wrongStatuses.length}`,
          `  duplicates/gaps:    ${findings.length}`,
          `  run time:           ${Math.round((Date.now() - began) / 1000)} s`,
          '',
        ].join('\n'),
      );

      expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(finals.size).toBeGreaterThanOrEqual(30);
      expect(wrongStatuses).toEqual([]);
      expect(findings).toEqual([]);
      expect(jobs.duplicates()).toEqual([]);
    },
  );
});
