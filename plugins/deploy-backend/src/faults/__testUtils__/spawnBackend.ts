import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Knex } from 'knex';

/** A deploy backend running in a child process (backendProcess.ts). */
export interface BackendProcess {
  /** Where it listens, e.g. http://127.0.0.1:1234. */
  readonly url: string;
  readonly pid: number;
  /** Kills it with SIGKILL: no shutdown hook runs, claims stay behind. */
  kill(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 90_000;

/** Children still alive, so a test can kill them all in afterAll, even after a failure. */
const running = new Set<ChildProcess>();

/**
 * Starts backendProcess.ts with the node transform Backstage uses for
 * TypeScript, on the given database, and resolves once it serves. Its
 * stderr (warnings and errors) is appended to `logFile`.
 */
export async function spawnBackend(options: {
  database: Knex;
  components: string[];
  logFile: string;
  name: string;
}): Promise<BackendProcess> {
  const packageDir = path.resolve(__dirname, '../../..');
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      path.join(__dirname, 'backendProcess.ts'),
    ],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        SLIPWAY_FAULTS_DATABASE: JSON.stringify(
          portableConfig(options.database),
        ),
        SLIPWAY_FAULTS_COMPONENTS: JSON.stringify(options.components),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  fs.appendFileSync(
    options.logFile,
    `--- ${options.name} pid ${child.pid} started\n`,
  );
  // The pipe ends the file stream when the child exits.
  child.stderr!.pipe(fs.createWriteStream(options.logFile, { flags: 'a' }));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.name} did not print its port within ${STARTUP_TIMEOUT_MS} ms; see ${options.logFile}`,
        ),
      );
    }, STARTUP_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout! }).on('line', line => {
      const match = /^\{"port":(\d+)\}$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.name} exited before it served; see ${options.logFile}`,
        ),
      );
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
      fs.appendFileSync(
        options.logFile,
        `--- ${options.name} pid ${child.pid} killed\n`,
      );
    },
  };
}

/**
 * A test database's knex config for another process. knex keeps the
 * password out of JSON (it is not enumerable), so it is copied by name.
 */
function portableConfig(knex: Knex): Knex.Config {
  const { client, connection } = knex.client.config;
  return {
    client,
    connection: { ...connection, password: connection.password },
    // A replica holds several claims, each with its heartbeat and writes.
    pool: { min: 0, max: 10 },
  };
}

/** SIGKILLs every child still running; for afterAll. */
export async function killAllBackends(): Promise<void> {
  await Promise.all(
    [...running].map(
      child =>
        new Promise<void>(resolve => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
