/*
 * Slipway's benchmarks against the local cluster: `scripts/bench.sh` runs
 * this (it sets up, starts PostgreSQL and the cluster, and passes the
 * kubeconfigs). Prints one table, each figure beside its target, and keeps
 * it in .cache/bench/latest.md. Not part of the test command.
 *
 * BENCH_WINDOW_SECONDS (60), BENCH_DEPLOYMENTS (50), BENCH_SERVICES (1000)
 * and BENCH_FIGURES (e.g. "1,4"; all by default) shorten a run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiServer } from './apiServer';
import { BenchPortal } from './benchPortal';
import { RolloutClock } from './rolloutClock';
import { BenchRow } from './stats';
import { apiLoadPerPage } from './figures/apiLoadPerPage';
import { createService } from './figures/createService';
import { deployTimings } from './figures/deployTimings';
import { liveTrackingAtScale } from './figures/liveTrackingAtScale';
import { throughput } from './figures/throughput';

const repoRoot = path.resolve(__dirname, '../../..');
const workDir = path.join(repoRoot, '.cache/bench');
const windowMs = Number(process.env.BENCH_WINDOW_SECONDS ?? 60) * 1000;
const deployments = Number(process.env.BENCH_DEPLOYMENTS ?? 50);
const serviceCount = Number(process.env.BENCH_SERVICES ?? 1000);
const figures = new Set(
  (process.env.BENCH_FIGURES ?? '1,2,3,4,5,6,7').split(',').map(Number),
);

/** The figures measured so far; printed even when a later one fails. */
const rows: BenchRow[] = [];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run scripts/bench.sh`);
  return value;
}

function component(name: string, annotations: Record<string, string> = {}) {
  return JSON.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'slipway.dev/service': name, ...annotations },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  });
}

async function main() {
  const apiServer = ApiServer.fromKubeconfig(
    required('SLIPWAY_ADMIN_KUBECONFIG'),
  );
  const scaleServices = Array.from(
    { length: serviceCount },
    (_, i) => `bench-svc-${String(i + 1).padStart(4, '0')}`,
  );
  fs.mkdirSync(workDir, { recursive: true });
  const entitiesPath = path.join(workDir, 'entities.yaml');
  fs.writeFileSync(
    entitiesPath,
    [
      // The Kubernetes plugin finds the page's objects by this selector.
      component('bench-page', {
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/name=bench-page',
      }),
      component('bench-react'),
      ...scaleServices.map(name => component(name)),
    ].join('\n---\n'),
  );

  const portal = await BenchPortal.start({
    port: Number(process.env.BENCH_PORT ?? 7027),
    slipwayKubeconfig: required('SLIPWAY_KUBECONFIG'),
    apiServerUrl: apiServer.url,
    caData: apiServer.caData,
    readerToken: await apiServer.readerToken(),
    entitiesPath,
    workDir,
  });
  const clock = await RolloutClock.start(apiServer, [
    'slipway-dev',
    'slipway-staging',
  ]);
  try {
    await portal.waitForEntity(scaleServices[scaleServices.length - 1]);
    for (const name of ['bench-page', 'bench-react']) {
      const registered = await portal.api('POST', '/deploy/services', {
        name,
        entityRef: `component:default/${name}`,
        spec: {
          image: `registry.local/shop/${name}`,
          port: 8080,
          channels: {
            dev: { replicas: 2 },
            staging: { replicas: 2 },
            prod: { replicas: 3 },
          },
        },
      });
      if (registered.status !== 201)
        throw new Error(`register ${name}: ${registered.status}`);
    }
    // The page's service runs in every channel, as a real one would.
    for (const channel of ['dev', 'staging', 'prod']) {
      const created = await portal.api('POST', '/deploy/deployments', {
        service: 'bench-page',
        channel,
        version: '1.0.0',
      });
      for (;;) {
        const d = await portal.api(
          'GET',
          `/deploy/deployments/${created.body.id}`,
        );
        if (d.body.deployment.status === 'succeeded') break;
        if (['failed', 'rolled_back'].includes(d.body.deployment.status)) {
          throw new Error(
            `bench-page in ${channel}: ${d.body.deployment.status}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    }

    if (figures.has(1)) {
      console.log('figure 1: API load per open page …');
      rows.push(
        ...(await apiLoadPerPage({
          portal,
          apiServer,
          service: 'bench-page',
          windowMs,
          tabs: [1, 10, 50],
        })),
      );
    }
    if (figures.has(2) || figures.has(3)) {
      console.log(`figures 2 and 3: ${deployments} deployments …`);
      rows.push(
        ...(await deployTimings({
          portal,
          clock,
          service: 'bench-react',
          deployments,
        })),
      );
    }
    if (figures.has(4)) {
      console.log('figure 4: create a service …');
      rows.push(...(await createService({ portal, runs: 5 })));
    }
    if (figures.has(6) || figures.has(7)) {
      console.log(
        `figure 6: ${serviceCount} services, ${Math.round(
          serviceCount * 0.3,
        )} on open pages …`,
      );
      const scale = await liveTrackingAtScale({
        portal,
        apiServer,
        services: scaleServices,
        small: {
          registered: Math.min(10, serviceCount),
          watched: Math.min(3, serviceCount),
        },
        large: {
          registered: serviceCount,
          watched: Math.round(serviceCount * 0.3),
        },
        windowMs,
      });
      if (figures.has(6)) rows.push(...scale);
    }
    if (figures.has(7)) {
      console.log('figure 7: 200 deployments at once …');
      rows.push(
        ...(await throughput({
          portal,
          clock,
          services: scaleServices.slice(0, 100),
        })),
      );
    }
  } finally {
    clock.stop();
    await portal.stop();
  }

  if (figures.has(5)) {
    console.log(
      'figure 5: history at scale (loads a million deployments per engine) …',
    );
    rows.push(...(await historyAtScale()));
  }
  report(rows);
}

/** Runs the store's history benchmark and reads its result lines. */
async function historyAtScale(): Promise<BenchRow[]> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@backstage/cli/config/nodeTransform.cjs',
        'plugins/deploy-backend/bench/historyQueries.ts',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', chunk => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', code =>
      code === 0
        ? resolve(text)
        : reject(new Error(`history bench exited ${code}`)),
    );
  });
  return [...output.matchAll(/^BENCH_RESULT (.*)$/gm)].map(match => {
    const r = JSON.parse(match[1]);
    return {
      figure: 5,
      measure: `history, ${r.queries} queries on ${
        r.engine
      } at ${r.rows.toLocaleString('en')} deployments: slowest p50 / p95 (${
        r.worstQuery
      })`,
      value: `${r.worstP50Ms.toFixed(1)} ms / ${r.worstP95Ms.toFixed(1)} ms`,
      target: 'p95 ≤ 50 ms',
      met: r.worstP95Ms <= 50,
    };
  });
}

function report(measured: BenchRow[]) {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    ?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${
    process.versions.node
  }, ${os.type()} ${os.release()}`;
  const lines = [
    `Slipway benchmarks, ${new Date().toISOString()} — ${machine}`,
    '',
    '| # | measure | value | target | met |',
    '|---|---|---|---|---|',
    ...measured
      .sort((a, b) => a.figure - b.figure)
      .map(
        r =>
          `| ${r.figure} | ${r.measure} | ${r.value} | ${r.target} | ${
            { true: 'yes', false: 'no', undefined: '' }[String(r.met)]
          } |`,
      ),
  ];
  const table = lines.join('\n');
  console.log(`\n${table}\n`);
  fs.writeFileSync(path.join(workDir, 'latest.md'), `${table}\n`);
}

main().catch(error => {
  console.error(error);
  report(rows);
  process.exitCode = 1;
});
