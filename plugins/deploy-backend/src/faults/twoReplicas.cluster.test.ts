// Two replicas on one PostgreSQL database, as a production install runs:
// bursts of concurrent requests to both, for the same services, with
// rollbacks and cancels racing them. Each accepted deployment must run once
// (its steps on one replica only), the others get a 409, none is left
// stuck, and a service never has two deployments active in a channel.
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentDetails,
  DeploymentStatus,
  FINAL_DEPLOYMENT_STATUSES,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import {
  describeOnCluster,
  uniqueServiceName,
  waitFor,
} from '../kubernetes/__testUtils__/localCluster';
import { MigrationJobLog } from './__testUtils__/MigrationJobLog';
import { deleteServiceObjects } from './__testUtils__/deleteServiceObjects';
import {
  callDeployApi,
  readDeployment,
  registerService,
} from './__testUtils__/faultApi';
import { killAllBackends, spawnBackend } from './__testUtils__/spawnBackend';
import { timelineFindings } from './__testUtils__/timelineFindings';

jest.setTimeout(6 * 60_000);

const NAMESPACE = 'slipway-dev';
const SERVICES = 12;
const REQUESTS_PER_SERVICE = 10;

/** A request to one of the two replicas. */
interface Call {
  replica: number;
  method: 'post';
  path: string;
  body?: object;
}

describeOnCluster('two replicas', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const logFile = path.join(
    os.tmpdir(),
    `slipway-two-replicas-${process.pid}.log`,
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
    'runs each accepted deployment once and refuses the rest with 409, on %p',
    async databaseId => {
      const began = Date.now();
      const knex = await databases.init(databaseId);
      for (let i = 0; i < SERVICES; i++) {
        services.push(uniqueServiceName(i % 2 === 0 ? 'twin-m' : 'twin'));
      }
      const withMigration = (service: string) => service.startsWith('t-twin-m');
      const jobs = await MigrationJobLog.start({
        kubeconfigPath: process.env.SLIPWAY_ADMIN_KUBECONFIG!,
        namespace: NAMESPACE,
        services,
      });

      // Both start at once on an empty database, as a rollout of two pods does.
      const replicas = await Promise.all(
        ['A', 'B'].map(name =>
          spawnBackend({
            database: knex,
            components: services,
            logFile,
            name: `replica ${name}`,
          }),
        ),
      );
      for (const service of services) {
        await registerService(replicas[0].url, service, withMigration(service));
      }

      // The database must never hold two unfinished deployments of one
      // service and channel, whatever the unique key does.
      const overlaps: string[] = [];
      const sampler = setInterval(() => {
        knex('deployments')
          .select('service_name', 'channel', knex.raw('count(*) as n'))
          .whereNotIn('status', FINAL_DEPLOYMENT_STATUSES)
          .groupBy('service_name', 'channel')
          .havingRaw('count(*) > 1')
          .then(rows =>
            overlaps.push(
              ...rows.map(r => `${r.service_name}/${r.channel}: ${r.n}`),
            ),
          )
          .catch(() => undefined);
      }, 250);

      const histogram: Record<string, number> = {};
      const accepted: string[] = [];
      const unexpected: string[] = [];

      /** Fires calls all at once; counts the answers, keeps the accepted ids. */
      async function fire(calls: Call[], allowed: number[] = [201, 409]) {
        const responses = await Promise.all(
          calls.map(call =>
            callDeployApi(
              replicas[call.replica].url,
              call.method,
              call.path,
              call.body,
            ),
          ),
        );
        responses.forEach((response, i) => {
          const key = `${calls[i].path.split('/').at(-1)} ${response.status}`;
          histogram[key] = (histogram[key] ?? 0) + 1;
          if (!allowed.includes(response.status)) {
            unexpected.push(
              `${calls[i].path} → ${response.status}: ${JSON.stringify(
                response.body,
              )}`,
            );
          } else if (response.status === 201) {
            accepted.push(response.body.id);
          }
        });
        return responses;
      }

      const deploy = (service: string, version: string, i: number): Call => ({
        replica: i % 2,
        method: 'post',
        path: '/deployments',
        body: { service, channel: 'dev', version },
      });

      /** Each service's requests, interleaved so both replicas see every service at once. */
      function burst(minor: number, only = services): Call[] {
        const calls: Call[] = [];
        for (let k = 0; k < REQUESTS_PER_SERVICE; k++) {
          only.forEach((service, s) => {
            const version = `1.${minor}.${k}${k % 3 === 1 ? '-slow3s' : ''}`;
            calls.push(deploy(service, version, k + s));
          });
        }
        return calls;
      }

      async function allEnded(): Promise<Map<string, DeploymentDetails>> {
        const ended = new Map<string, DeploymentDetails>();
        await waitFor(
          `all ${accepted.length} accepted deployments to end`,
          async () => {
            for (const id of accepted.filter(a => !ended.has(a))) {
              const details = await readDeployment(replicas[0].url, id);
              if (isFinalDeploymentStatus(details.deployment.status)) {
                ended.set(id, details);
              }
            }
            return ended.size === accepted.length;
          },
          180_000,
        ).catch(error => {
          const stuck = accepted.filter(id => !ended.has(id));
          throw new Error(`${error.message}; not ended: ${stuck.join(', ')}`);
        });
        return ended;
      }

      // Two bursts of deployments: one per service wins each time.
      await fire(burst(0));
      await allEnded();
      await fire(burst(1));
      await allEnded();

      // Then rollbacks on both replicas at once, racing new deployments,
      // and cancels of running deployments sent to both replicas at once.
      const racing = services.filter(s => !withMigration(s)).slice(0, 4);
      const cancelled = services.filter(withMigration).slice(0, 4);
      const others = services.filter(
        s => !racing.includes(s) && !cancelled.includes(s),
      );
      const rollback = (service: string, replica: number): Call => ({
        replica,
        method: 'post',
        path: `/services/${service}/channels/dev/rollback`,
      });
      const slow = await fire(
        cancelled.map((service, i) => deploy(service, '1.2.0-slow10s', i)),
      );
      // A cancel just as the deployment starts, its migration Job about to
      // be created, is the racy moment: poll for it without pause.
      async function cancelOnBoth(id: string) {
        const deadline = Date.now() + 30_000;
        while (
          (await readDeployment(replicas[1].url, id)).deployment.status ===
          'requested'
        ) {
          if (Date.now() > deadline) {
            throw new Error(`${id} did not start within 30 s`);
          }
        }
        const answers = await fire(
          [0, 1].map(replica => ({
            replica,
            method: 'post' as const,
            path: `/deployments/${id}/cancel`,
          })),
          [200, 409],
        );
        return answers.filter(a => a.status === 200).length;
      }
      const [cancelsOk] = await Promise.all([
        Promise.all(slow.map(response => cancelOnBoth(response.body.id))),
        fire([
          ...burst(2, racing).slice(0, 4 * racing.length),
          ...burst(2, others),
        ]),
        // Once those are accepted, rollbacks pre-empt them (sent earlier,
        // they would only lose to them with a 409).
        sleep(300).then(() =>
          fire(
            racing.flatMap(service => [
              rollback(service, 0),
              rollback(service, 1),
            ]),
          ),
        ),
      ]);
      const doubleCancels = cancelsOk.filter(n => n !== 1).length;

      const ended = await allEnded();
      clearInterval(sampler);
      await jobs.stop();

      const findings: string[] = [];
      for (const [id, details] of ended) {
        findings.push(...timelineFindings(details));
        const uids = jobs.uidsOf(id);
        const started = details.events.filter(
          e => e.type === 'migration-started',
        ).length;
        // A Job is created once, and recorded, unless a cancel cut in
        // between; a cancelled deployment's Job is deleted.
        const status = details.deployment.status;
        if (
          uids.length > 1 ||
          started > 1 ||
          (started === 1 && uids.length !== 1) ||
          (uids.length === 1 && started === 0 && status !== 'cancelled') ||
          (status === 'cancelled' && jobs.remains(id))
        ) {
          findings.push(
            `${id} (${status}): Jobs created ${
              uids.length
            }, migration-started events ${started}, Job left: ${jobs.remains(
              id,
            )}`,
          );
        }
      }
      // In each service's history, a deployment starts only after the one
      // before it ended (event ids increase with every write).
      for (const service of services) {
        const mine = [...ended.values()]
          .filter(d => d.deployment.service === service)
          .sort((a, b) => a.events[0].id - b.events[0].id);
        for (let i = 1; i < mine.length; i++) {
          const before = mine[i - 1].events.find(e =>
            isFinalDeploymentStatus(e.type as DeploymentStatus),
          );
          const started = mine[i].events.find(e => e.type === 'started');
          if (started && before && started.id < before.id) {
            findings.push(
              `${mine[i].deployment.id} started before ${
                mine[i - 1].deployment.id
              } ended`,
            );
          }
        }
      }

      const statuses: Record<string, number> = {};
      for (const { deployment } of ended.values()) {
        statuses[deployment.status] = (statuses[deployment.status] ?? 0) + 1;
      }
      // Where the cancels and pre-emptions caught the deployments.
      const cancelledWhile: Record<string, number> = {};
      for (const { events } of ended.values()) {
        const cancel = events.find(e => e.type === 'cancelled');
        const status = cancel && String(cancel.data?.status);
        if (status) {
          cancelledWhile[status] = (cancelledWhile[status] ?? 0) + 1;
        }
      }
      const rollbacks = [...ended.values()].filter(d =>
        d.deployment.overrideReason?.startsWith('rollback from'),
      );
      const requests = Object.values(histogram).reduce((a, b) => a + b, 0);
      process.stdout.write(
        [
          '',
          `Two replicas on one PostgreSQL (backend logs: ${logFile})`,
          `  requests:               ${requests} over ${services.length} services, alternating replicas`,
          `  answers:                ${JSON.stringify(histogram)}`,
          `  accepted deployments:   ${accepted.length}, ended: ${
            ended.size
          }, stuck: ${accepted.length - ended.size}`,
          `  final statuses:         ${JSON.stringify(statuses)}`,
          `  cancels answered 200 other than once: ${doubleCancels}`,
          `  cancelled while:        ${JSON.stringify(cancelledWhile)}`,
          `  rollbacks accepted:     ${
            rollbacks.length
          }, cancelled by a later rollback: ${
            rollbacks.filter(d => d.deployment.status === 'cancelled').length
          }`,
          `  migration Jobs:         ${
            [...ended.keys()].filter(id => jobs.uidsOf(id).length > 0).length
          }, created twice: ${jobs.duplicates().length}`,
          `  two active at once:     ${overlaps.length}`,
          `  duplicates/gaps:        ${findings.length}`,
          `  run time:               ${Math.round(
            (Date.now() - began) / 1000,
          )} s`,
          '',
        ].join('\n'),
      );

      expect(requests).toBeGreaterThanOrEqual(100);
      expect(unexpected).toEqual([]);
      expect(overlaps).toEqual([]);
      expect(findings).toEqual([]);
      expect(jobs.duplicates()).toEqual([]);
      expect(doubleCancels).toBe(0);
    },
  );
});
