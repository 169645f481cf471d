/*
 * Times the deployment-history queries on a million deployments over 2,000
 * services and 100 teams, on SQLite and PostgreSQL, and shows each query's
 * plan. Not part of the test suite: scripts/bench.sh runs it (figure 5).
 *
 * On its own, from the repository root (PostgreSQL from scripts/postgres.sh;
 * without it only SQLite runs):
 *
 *   source scripts/setup.sh && slipway_use_node22 && slipway_use_yarn
 *   export SLIPWAY_BENCH_POSTGRES=$(bash scripts/postgres.sh)
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/deploy-backend/bench/historyQueries.ts
 *
 * BENCH_ROWS changes the number of deployments (default 1000000).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeploymentStatus } from '@slipway/plugin-deploy-common';
import knexFactory, { Knex } from 'knex';
import { DatabaseDeploymentStore } from '../src/database/DatabaseDeploymentStore';
import { DeploymentStore } from '../src/database/DeploymentStore';
import { DeploymentsTableRow, ServicesTableRow } from '../src/database/tables';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const TEAMS = 100;
const SERVICES = 2000;
const CHANNELS = ['dev', 'staging', 'prod'];
/** Two years of history, ending now. */
const END = Date.UTC(2026, 10, 27);
const START = END - 2 * 365 * 24 * 3_600_000;
const REPEATS = 50;

/** A fixed-seed generator, so both engines hold the same history. */
function seededRandom(initialState: number): () => number {
  let state = initialState;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function statusFor(roll: number): DeploymentStatus {
  if (roll < 0.85) return 'succeeded';
  if (roll < 0.93) return 'failed';
  if (roll < 0.97) return 'rolled_back';
  if (roll < 0.99) return 'cancelled';
  return 'rejected';
}

const teamOf = (service: number) =>
  `group:default/team-${String(service % TEAMS).padStart(2, '0')}`;
const serviceName = (service: number) =>
  `svc-${String(service).padStart(4, '0')}`;

async function seedHistory(knex: Knex, batchSize: number): Promise<void> {
  const now = new Date();
  const services: ServicesTableRow[] = Array.from(
    { length: SERVICES },
    (_, i) => ({
      name: serviceName(i),
      entity_ref: `component:default/${serviceName(i)}`,
      owner_ref: teamOf(i),
      spec: JSON.stringify({ image: `registry.example/${serviceName(i)}` }),
      created_at: now,
      updated_at: now,
    }),
  );
  // In batches: SQLite limits the terms of one statement.
  await knex.batchInsert('services', services, 200);

  const random = seededRandom(42);
  const step = (END - START) / ROWS;
  const started = performance.now();
  for (let offset = 0; offset < ROWS; offset += batchSize) {
    const batch: DeploymentsTableRow[] = [];
    for (let i = offset; i < Math.min(offset + batchSize, ROWS); i++) {
      const service = Math.floor(random() * SERVICES);
      const createdAt = START + Math.floor(i * step);
      const duration = 60_000 + Math.floor(random() * 600_000);
      batch.push({
        id: randomUUID(),
        service_name: serviceName(service),
        owner_ref: teamOf(service),
        channel: CHANNELS[Math.floor(random() * CHANNELS.length)],
        version: `1.${Math.floor(i / 1000)}.${i % 1000}`,
        previous_version: null,
        status: statusFor(random()),
        step: null,
        active_key: null,
        requested_by: 'user:default/bench',
        approved_by: null,
        override_reason: null,
        result: null,
        claimed_by: null,
        heartbeat_at: null,
        created_at: new Date(createdAt),
        started_at: new Date(createdAt + 5_000),
        finished_at: new Date(createdAt + duration),
      });
    }
    await knex('deployments').insert(batch);
    if ((offset / batchSize) % 100 === 0) {
      process.stdout.write(`\r  inserted ${offset + batch.length}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `\r  inserted ${ROWS} deployments in ${seconds.toFixed(1)} s\n`,
  );
}

interface Figure {
  name: string;
  medianMs: number;
  p95Ms: number;
  rows: number;
  plan: string;
}

/** Runs one store call REPEATS times; keeps the median and the SQL's plan. */
async function time(
  knex: Knex,
  name: string,
  call: () => Promise<{ rows: number }>,
): Promise<Figure> {
  const statements: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
  knex.on('query', listener);
  const { rows } = await call();
  knex.removeListener('query', listener);

  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return {
    name,
    medianMs: samples[Math.floor(samples.length / 2)],
    p95Ms: samples[Math.ceil(samples.length * 0.95) - 1],
    rows,
    plan: await explain(knex, statements[statements.length - 1]),
  };
}

async function explain(
  knex: Knex,
  statement: { sql: string; bindings: readonly unknown[] },
): Promise<string> {
  if (knex.client.config.client === 'better-sqlite3') {
    const bindings = statement.bindings.map(b =>
      b instanceof Date ? b.getTime() : b,
    );
    const plan: Array<{ detail: string }> = await knex.raw(
      `EXPLAIN QUERY PLAN ${statement.sql}`,
      bindings as Knex.RawBinding[],
    );
    return plan.map(row => `    ${row.detail}`).join('\n');
  }
  // The logged SQL has PostgreSQL's $n placeholders; run it on the driver.
  const connection = await knex.client.acquireConnection();
  try {
    const result: { rows: Array<{ 'QUERY PLAN': string }> } =
      await connection.query(
        `EXPLAIN (ANALYZE, COSTS OFF) ${statement.sql}`,
        statement.bindings,
      );
    return result.rows.map(row => `    ${row['QUERY PLAN']}`).join('\n');
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

async function runQueries(
  knex: Knex,
  store: DeploymentStore,
): Promise<Figure[]> {
  const team = teamOf(7);
  const month = (monthsAgo: number) =>
    new Date(END - monthsAgo * 30 * 24 * 3_600_000).toISOString();
  const page =
    (query: Parameters<DeploymentStore['listDeployments']>[0]) => async () => ({
      rows: (await store.listDeployments(query)).items.length,
    });

  // A cursor 20,000 rows deep into the team's history.
  let deepCursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    deepCursor = (
      await store.listDeployments({ team, limit: 200, cursor: deepCursor })
    ).nextCursor;
  }

  return [
    await time(knex, 'first page, no filter', page({})),
    await time(knex, 'by service', page({ service: serviceName(42) })),
    await time(knex, 'by team', page({ team })),
    await time(
      knex,
      'by channel + status (prod, failed)',
      page({ channel: 'prod', status: 'failed' }),
    ),
    await time(
      knex,
      'by team within a week, a year ago',
      page({ team, from: month(12), to: month(11.75) }),
    ),
    await time(
      knex,
      'by service + channel + status, a quarter',
      page({
        service: serviceName(42),
        channel: 'prod',
        status: 'succeeded',
        from: month(6),
        to: month(3),
      }),
    ),
    await time(
      knex,
      'by team, page 101 (20,000 rows deep)',
      page({ team, limit: 200, cursor: deepCursor }),
    ),
    await time(knex, 'team metrics, 90 days', async () => {
      const metrics = await store.teamMetrics({
        team,
        from: month(3),
        to: month(0),
      });
      return { rows: metrics.deployments };
    }),
    // What a caller who may read only some services gets: the policy's
    // conditions become a filter in the query (DeployAuthorizer, whereReadable).
    await time(
      knex,
      'history read-filtered to 3 teams (IS_SERVICE_OWNER)',
      async () => ({
        rows: (
          await store.listDeployments(
            {},
            {
              readable: {
                key: 'ownerRef',
                values: [teamOf(7), teamOf(8), 'user:default/bench'],
              },
            },
          )
        ).items.length,
      }),
    ),
    await time(
      knex,
      'team history read-filtered to 20 services (IS_SERVICE)',
      async () => ({
        rows: (
          await store.listDeployments(
            { team },
            {
              readable: {
                key: 'service',
                values: Array.from({ length: 20 }, (_, i) =>
                  serviceName(7 + i * TEAMS),
                ),
              },
            },
          )
        ).items.length,
      }),
    ),
    await time(knex, 'team metrics, 90 days, read-filtered', async () => {
      const metrics = await store.teamMetrics({
        team,
        from: month(3),
        to: month(0),
        readable: { key: 'ownerRef', values: [team] },
      });
      return { rows: metrics.deployments };
    }),
    await time(knex, 'services read-filtered to 3 teams', async () => ({
      rows: (
        await store.listServices({
          readable: { key: 'ownerRef', values: [teamOf(7), teamOf(8)] },
        })
      ).length,
    })),
    await time(knex, 'last succeeded (promotion check)', async () => ({
      rows: (await store.lastSucceeded(serviceName(42), 'prod')) ? 1 : 0,
    })),
    await time(
      knex,
      'active deployment of a service in a channel',
      async () => ({
        rows: (await store.getActiveDeployment(serviceName(42), 'prod'))
          ? 1
          : 0,
      }),
    ),
    // The history is all final, so this is the cost of an idle worker's poll.
    await time(
      knex,
      'claim next (worker poll, nothing runnable)',
      async () => ({
        rows: (await store.claimNext({ workerId: 'bench', leaseSeconds: 60 }))
          ? 1
          : 0,
      }),
    ),
  ];
}

function report(engine: string, figures: Figure[]) {
  console.log(
    `\n${engine}: ${ROWS} deployments over ${SERVICES} services and ${TEAMS} teams, ${REPEATS} runs each`,
  );
  console.log('        p50         p95');
  for (const figure of figures) {
    console.log(
      `  ${figure.medianMs.toFixed(2).padStart(9)} ms ${figure.p95Ms
        .toFixed(2)
        .padStart(9)} ms  ${figure.name} (${figure.rows} rows)`,
    );
  }
  // One line the bench command's table reads.
  const worst = figures.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      figure: 5,
      engine,
      rows: ROWS,
      queries: figures.length,
      worstP95Ms: worst.p95Ms,
      worstQuery: worst.name,
      worstP50Ms: Math.max(...figures.map(f => f.medianMs)),
    })}`,
  );
  for (const figure of figures) {
    console.log(`\n  plan: ${figure.name}\n${figure.plan}`);
  }
}

async function benchSqlite() {
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-')),
    'deploy.sqlite',
  );
  console.log(`SQLite: ${file}`);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  try {
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    // Loading speed only; the figures are read-only queries.
    await knex.raw('PRAGMA journal_mode = WAL');
    await knex.raw('PRAGMA synchronous = OFF');
    await knex.transaction(tx => seedHistory(tx, 500));
    await knex.raw('ANALYZE');
    report('SQLite', await runQueries(knex, store));
  } finally {
    await knex.destroy();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

async function benchPostgres(connectionString: string) {
  const admin = knexFactory({ client: 'pg', connection: connectionString });
  await admin.raw('DROP DATABASE IF EXISTS slipway_bench');
  await admin.raw('CREATE DATABASE slipway_bench');
  await admin.destroy();

  const url = new URL(connectionString);
  url.pathname = '/slipway_bench';
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  try {
    const store = await DatabaseDeploymentStore.fromKnex(knex);
    await seedHistory(knex, 1000);
    await knex.raw('VACUUM ANALYZE');
    report('PostgreSQL', await runQueries(knex, store));
  } finally {
    await knex.destroy();
  }
}

async function main() {
  await benchSqlite();
  const postgres =
    process.env.SLIPWAY_BENCH_POSTGRES ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (postgres) {
    await benchPostgres(postgres);
  } else {
    console.log('\nPostgreSQL skipped: set SLIPWAY_BENCH_POSTGRES');
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
