import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { renderSource } from './renderSource';
import { RenderToolMissingError } from './RenderToolMissingError';
import { runTool, toolVersion } from './runTool';
import { kustomizeTree } from './__fixtures__/sourceTrees';
import { writeScript, writeSourceTree } from './__testUtils__/sourceTree';
import { testTools } from './__testUtils__/renderTools';

jest.setTimeout(30_000);

/** Whether a process is still alive (a zombie waiting to be reaped is not). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs
    .readFile(`/proc/${pid}/stat`, 'utf8')
    .catch(() => undefined);
  if (stat !== undefined) {
    return !/^\d+ \(.*\) Z/.test(stat);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runTool', () => {
  let bin: string;
  let source: string;
  const target = { channel: 'dev', namespace: 'ns', releaseName: 'web' };

  beforeAll(async () => {
    bin = await writeSourceTree({});
    source = await writeSourceTree(kustomizeTree);
  });
  afterAll(async () => {
    await fs.rm(bin, { recursive: true, force: true });
    await fs.rm(source, { recursive: true, force: true });
  });

  /** A stand-in kustomize: answers `version`, runs `body` for `build`. */
  function fakeKustomize(name: string, body: string) {
    return writeScript(
      bin,
      name,
      `if [ "$1" = version ]; then echo v0.0.0-fake; exit 0; fi\n${body}`,
    );
  }

  it('gives the tool a temporary HOME and Helm dirs, no inherited secrets and no network, and removes them', async () => {
    const command = await fakeKustomize(
      'env-kustomize',
      `touch "$HOME/written" "$HELM_CACHE_HOME/written"
echo "kind: ConfigMap"
echo "data:"
env | sort | sed 's/^\\([^=]*\\)=\\(.*\\)$/  \\1: "\\2"/'`,
    );
    process.env.KUBECONFIG = '/root/.kube/config';
    process.env.SLIPWAY_TEST_TOKEN = 'secret-token';
    try {
      const { objects } = await renderSource(
        source,
        target,
        testTools({ kustomizeCommand: command }),
      );
      const env: Record<string, string> = objects[0].object.data;
      expect(Object.keys(env)).not.toContain('KUBECONFIG');
      expect(Object.keys(env)).not.toContain('SLIPWAY_TEST_TOKEN');
      expect(env).toMatchObject({
        PATH: process.env.PATH,
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        https_proxy: 'http://127.0.0.1:9',
        NO_PROXY: '',
        GIT_ALLOW_PROTOCOL: 'none',
      });
      for (const name of [
        'HOME',
        'TMPDIR',
        'XDG_CACHE_HOME',
        'XDG_CONFIG_HOME',
        'XDG_DATA_HOME',
        'HELM_CACHE_HOME',
        'HELM_CONFIG_HOME',
        'HELM_DATA_HOME',
        'HELM_PLUGINS',
      ]) {
        expect(env[name]).toMatch(/slipway-render-/);
        await expect(fs.stat(env[name])).rejects.toMatchObject({
          code: 'ENOENT',
        });
      }
    } finally {
      delete process.env.KUBECONFIG;
      delete process.env.SLIPWAY_TEST_TOKEN;
    }
  });

  it('stops a tool at the timeout, with everything it started, as an InputError', async () => {
    const pidFile = `${bin}/sleep.pid`;
    const command = await fakeKustomize(
      'slow-kustomize',
      `sleep 30 &\necho $! > "${pidFile}"\nwait`,
    );
    const started = Date.now();
    const rendering = renderSource(
      source,
      target,
      testTools({ kustomizeCommand: command, timeoutMs: 500 }),
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(
      /channel "dev": `.*slow-kustomize build channels\/dev` did not finish within 500 ms and was stopped \(the timeout\)/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleepPid = Number(await fs.readFile(pidFile, 'utf8'));
    expect(await isRunning(sleepPid)).toBe(false);
  });

  it('stops a tool that writes more than allowed, as an InputError', async () => {
    const command = await fakeKustomize('endless-kustomize', 'yes "a: b"');
    const started = Date.now();
    const rendering = renderSource(
      source,
      target,
      testTools({
        kustomizeCommand: command,
        maxOutputBytes: 1024 * 1024,
        timeoutMs: 20_000,
      }),
    );
    await expect(rendering).rejects.toThrow(InputError);
    await expect(rendering).rejects.toThrow(
      /channel "dev": `.*endless-kustomize build channels\/dev` wrote more than 1048576 bytes of output and was stopped/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runs no shell: arguments reach the tool as they are', async () => {
    const command = await writeScript(bin, 'print-args', 'printf "%s\\n" "$@"');
    const { stdout } = await runTool({
      tool: 'helm',
      command,
      args: ['$(touch injected)', 'a b', '*'],
      timeoutMs: 5_000,
      maxOutputBytes: 1024,
    });
    expect(stdout).toBe('$(touch injected)\na b\n*\n');
  });

  it('reports a missing command as RenderToolMissingError, and does not keep that answer', async () => {
    const command = `${bin}/later-helm`;
    await expect(toolVersion('helm', command, 5_000)).rejects.toThrow(
      RenderToolMissingError,
    );
    await writeScript(bin, 'later-helm', 'echo v3.99.0');
    await expect(toolVersion('helm', command, 5_000)).resolves.toBe('v3.99.0');
  });
});
