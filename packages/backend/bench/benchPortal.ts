import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

/** What the bench's portal is started with. */
export interface BenchPortalOptions {
  port: number;
  /** Slipway's least-privilege kubeconfig. */
  slipwayKubeconfig: string;
  /** The API server, and a read-only token for the Kubernetes plugin. */
  apiServerUrl: string;
  caData?: string;
  readerToken: string;
  /** Extra catalog entities (the bench's services). */
  entitiesPath: string;
  workDir: string;
}

/**
 * The portal's own backend (packages/backend: catalog, scaffolder, the
 * Kubernetes plugin, Slipway, signals), started as its own process with an
 * in-memory database, so that its memory and CPU can be read from /proc and
 * everything the benchmarks call goes over HTTP as a browser's would.
 */
export class BenchPortal {
  private constructor(
    readonly baseUrl: string,
    private readonly child: ChildProcess,
    readonly token: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: BenchPortalOptions): Promise<BenchPortal> {
    const { port, workDir } = options;
    const config = {
      app: { baseUrl: `http://localhost:${port}` },
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port },
        cors: { origin: `http://localhost:${port}` },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      catalog: {
        locations: [
          {
            type: 'file',
            target: path.join(repoRoot, 'examples/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          { type: 'file', target: options.entitiesPath },
          {
            type: 'file',
            target: path.join(
              repoRoot,
              'plugins/scaffolder-actions/templates/new-service/template.yaml',
            ),
            rules: [{ allow: ['Template'] }],
          },
        ],
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: options.apiServerUrl,
                authProvider: 'serviceAccount',
                serviceAccountToken: options.readerToken,
                caData: options.caData,
              },
            ],
          },
        ],
      },
      deploy: {
        clusters: [
          { name: 'local', kubeconfigPath: options.slipwayKubeconfig },
        ],
        localPublish: { directory: path.join(workDir, 'published') },
        channels: [
          { name: 'dev', cluster: 'local', progressDeadlineSeconds: 60 },
          { name: 'staging', cluster: 'local', progressDeadlineSeconds: 60 },
          { name: 'prod', cluster: 'local', progressDeadlineSeconds: 60 },
        ],
      },
    };
    fs.mkdirSync(workDir, { recursive: true });
    const configPath = path.join(workDir, 'app-config.bench.json');
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
    const log = fs.openSync(path.join(workDir, 'portal.log'), 'w');
    // What servePortal.sh runs for the browser tests, without the app build.
    const child = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli-node/config/nodeTransform.cjs',
        'src/index',
        '--config',
        path.join(repoRoot, 'app-config.yaml'),
        '--config',
        configPath,
      ],
      {
        cwd: path.join(repoRoot, 'packages/backend'),
        env: { ...process.env, NODE_ENV: 'development' },
        stdio: ['ignore', log, log],
      },
    );
    const baseUrl = `http://localhost:${port}`;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) {
        throw new Error(
          `the portal exited with ${child.exitCode}; see ${workDir}/portal.log`,
        );
      }
      const health = await fetch(`${baseUrl}/api/deploy/health`).catch(
        () => undefined,
      );
      if (health?.ok) break;
      if (i > 600) throw new Error('the portal did not start within 5 min');
      await sleep(500);
    }
    // The guest's token carries its teams once the catalog read org.yaml.
    for (let i = 0; ; i++) {
      const session = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      }).then(r => r.json());
      const identity = session.backstageIdentity;
      if (
        identity?.identity.ownershipEntityRefs.some((r: string) =>
          r.startsWith('group:'),
        )
      ) {
        return new BenchPortal(baseUrl, child, identity.token);
      }
      if (i > 240) throw new Error('the guest never joined its teams');
      await sleep(500);
    }
  }

  async api<T = any>(
    method: string,
    urlPath: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}/api${urlPath}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  /** A signals connection, as an open page holds one. */
  async subscribe(
    channel: string,
    onMessage: (message: any) => void,
  ): Promise<WebSocket> {
    // The signals backend starts listening for upgrades on the first one it
    // sees, which it does not answer: like the frontend's client, try again.
    let socket: WebSocket | undefined;
    for (let attempt = 1; !socket; attempt++) {
      const candidate = new WebSocket(
        `${this.baseUrl.replace('http', 'ws')}/api/signals`,
        this.token,
      );
      const opened = await new Promise<boolean>(resolve => {
        candidate.onopen = () => resolve(true);
        candidate.onerror = () => resolve(false);
      });
      if (opened) {
        socket = candidate;
      } else if (attempt >= 10) {
        throw new Error('signals connection failed');
      } else {
        await sleep(200);
      }
    }
    socket.onmessage = event =>
      onMessage(JSON.parse(String(event.data)).message);
    socket.send(JSON.stringify({ action: 'subscribe', channel }));
    return socket;
  }

  async waitForEntity(name: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const r = await this.api(
        'GET',
        `/catalog/entities/by-name/component/default/${name}`,
      );
      if (r.status === 200) return;
      await sleep(500);
    }
    throw new Error(`the catalog did not read ${name}`);
  }

  /** Resident memory and CPU seconds used so far, from /proc. */
  usage(): { rssMb: number; cpuSeconds: number } {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (100 a second on Linux).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
