import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  RenderToolMissingError,
  RenderToolName,
} from './RenderToolMissingError';

/** One run of a rendering tool. */
export interface ToolRun {
  tool: RenderToolName;
  command: string;
  args: string[];
  /** Defaults to the run's own empty scratch directory. */
  cwd?: string;
  timeoutMs: number;
  /** Bytes of stdout and stderr together before the tool is stopped. */
  maxOutputBytes: number;
}

/** What a finished run wrote. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * A tool ran but did not render: it failed, ran too long or wrote too much.
 * `problem` says which ("exited with code 1"); `stderr` is what it said.
 */
export class ToolRunFailure extends Error {
  readonly name = 'ToolRunFailure';
  constructor(readonly problem: string, readonly stderr: string) {
    super(stderr ? `${problem}: ${stderr}` : problem);
  }
}

/** Every proxy points here: a closed port, so any request fails at once. */
const NO_NETWORK_PROXY = 'http://127.0.0.1:9';

/**
 * The whole environment a tool sees: PATH, and everything else pointing into
 * the run's scratch directory. Nothing is inherited (no KUBECONFIG, no
 * tokens, no cloud credentials), nothing reaches the network: HTTP(S) goes
 * to a closed proxy, and git may use no transport at all, so a kustomize
 * remote base fails at once.
 */
function toolEnvironment(scratch: string): NodeJS.ProcessEnv {
  const dir = (name: string) => path.join(scratch, name);
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: dir('home'),
    TMPDIR: dir('tmp'),
    XDG_CACHE_HOME: dir('cache'),
    XDG_CONFIG_HOME: dir('config'),
    XDG_DATA_HOME: dir('data'),
    HELM_CACHE_HOME: dir('helm-cache'),
    HELM_CONFIG_HOME: dir('helm-config'),
    HELM_DATA_HOME: dir('helm-data'),
    HELM_PLUGINS: dir('helm-plugins'),
    HTTP_PROXY: NO_NETWORK_PROXY,
    HTTPS_PROXY: NO_NETWORK_PROXY,
    ALL_PROXY: NO_NETWORK_PROXY,
    http_proxy: NO_NETWORK_PROXY,
    https_proxy: NO_NETWORK_PROXY,
    all_proxy: NO_NETWORK_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    // "none" is no protocol git knows, so every transport is refused.
    GIT_ALLOW_PROTOCOL: 'none',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
}

const SCRATCH_DIRS = [
  'home',
  'tmp',
  'cache',
  'config',
  'data',
  'helm-cache',
  'helm-config',
  'helm-data',
  'helm-plugins',
];

function killGroup(pid: number | undefined) {
  if (pid === undefined) {
    return;
  }
  try {
    // The tool leads its own process group (detached), so this also stops
    // what it started (git, plugins).
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function spawnInScratch(run: ToolRun, scratch: string): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd ?? path.join(scratch, 'home'),
      env: toolEnvironment(scratch),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let stopped: string | undefined;

    const stop = (problem: string) => {
      if (stopped === undefined) {
        stopped = problem;
        killGroup(child.pid);
        // Whatever still holds the pipes must not keep this run open.
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
    };
    const timer = setTimeout(
      () =>
        stop(
          `did not finish within ${run.timeoutMs} ms and was stopped (the timeout)`,
        ),
      run.timeoutMs,
    );
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (stopped !== undefined) {
        return;
      }
      bytes += chunk.length;
      if (bytes > run.maxOutputBytes) {
        stop(
          `wrote more than ${run.maxOutputBytes} bytes of output and was stopped`,
        );
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on('data', collect(stdout));
    child.stderr?.on('data', collect(stderr));

    let settled = false;
    child.on('error', error => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        reject(
          new RenderToolMissingError(run.tool, run.command, code === 'EACCES'),
        );
      } else {
        reject(error);
      }
    });
    child.on('close', (exitCode, signal) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      const output = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (stopped !== undefined) {
        reject(new ToolRunFailure(stopped, output.stderr));
      } else if (exitCode !== 0) {
        const how =
          exitCode === null
            ? `was killed by ${signal}`
            : `exited with code ${exitCode}`;
        reject(new ToolRunFailure(how, output.stderr));
      } else {
        resolve(output);
      }
    });
  });
}

/**
 * Runs a rendering tool without a shell, in a sandbox of fresh temporary
 * directories (HOME, TMPDIR, XDG and Helm homes) that is removed afterwards,
 * with no network and no inherited secrets; stops it (and everything it
 * started) on the timeout or when it writes more than allowed.
 *
 * Throws {@link RenderToolMissingError} when the command does not exist and
 * {@link ToolRunFailure} when it fails.
 */
export async function runTool(run: ToolRun): Promise<ToolOutput> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-render-'));
  try {
    await Promise.all(
      SCRATCH_DIRS.map(name => fs.mkdir(path.join(scratch, name))),
    );
    return await spawnInScratch(run, scratch);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Whether a kustomize command is kubectl, which builds with `kubectl kustomize`. */
export function isKubectl(command: string): boolean {
  return path.basename(command) === 'kubectl';
}

const VERSION_OUTPUT_LIMIT = 64 * 1024;

function firstVersion(text: string): string {
  return text.match(/v\d+\.\d+\.\d+[^\s,}"]*/)?.[0] ?? text.trim();
}

async function askVersion(
  tool: RenderToolName,
  command: string,
  timeoutMs: number,
): Promise<string> {
  const ask = (args: string[]) =>
    runTool({
      tool,
      command,
      args,
      timeoutMs,
      maxOutputBytes: VERSION_OUTPUT_LIMIT,
    });
  if (tool === 'helm') {
    return (await ask(['version', '--template', '{{.Version}}'])).stdout.trim();
  }
  if (isKubectl(command)) {
    const { stdout } = await ask(['version', '--client', '-o', 'json']);
    const parsed = JSON.parse(stdout) as {
      clientVersion?: { gitVersion?: string };
      kustomizeVersion?: string;
    };
    return `${parsed.kustomizeVersion} (kubectl ${parsed.clientVersion?.gitVersion})`;
  }
  return firstVersion((await ask(['version'])).stdout);
}

const versions = new Map<string, Promise<string>>();

/**
 * The version a tool reports (`kustomize version`, `helm version`), asked
 * once per command; a failed answer is not kept, so installing the tool
 * later is noticed.
 */
export function toolVersion(
  tool: RenderToolName,
  command: string,
  timeoutMs: number,
): Promise<string> {
  const key = `${tool}\0${command}`;
  let version = versions.get(key);
  if (!version) {
    version = askVersion(tool, command, timeoutMs).catch(error => {
      // A tool that cannot say its version is broken, whatever is rendered.
      if (error instanceof ToolRunFailure) {
        throw new Error(
          `Could not read the version of ${tool} from "${command}": ${error.message}`,
        );
      }
      throw error;
    });
    versions.set(key, version);
    version.catch(() => versions.delete(key));
  }
  return version;
}
