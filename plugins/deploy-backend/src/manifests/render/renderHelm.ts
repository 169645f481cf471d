import { parseManifestStream } from './parseManifestStream';
import { runTool, toolVersion, ToolRunFailure } from './runTool';
import { toolFailureProblem } from './sourceProblem';
import { RenderedSource, RenderTarget, RenderTools } from './types';

/**
 * The template a document came from, relative to the chart directory: Helm
 * writes `# Source: <chart name>/templates/x.yaml` above each document.
 */
function templateOf(documentText: string): string {
  const source = documentText.match(/^# Source: (.+)$/m)?.[1]?.trim();
  return source?.split('/').slice(1).join('/') || '.';
}

/**
 * Helm: `helm template` of the chart at the root, with `values-<channel>.yaml`
 * over the chart's `values.yaml` when it exists. Test hooks are left out,
 * other hooks are kept with their `helm.sh/hook` annotations. Dependencies
 * must already be in `charts/`; nothing is fetched.
 */
export async function renderHelm(
  dir: string,
  files: string[],
  target: RenderTarget,
  tools: RenderTools,
): Promise<RenderedSource> {
  const valuesFile = `values-${target.channel}.yaml`;
  const args = [
    'template',
    `--namespace=${target.namespace}`,
    '--skip-tests',
    ...(files.includes(valuesFile) ? [`--values=${valuesFile}`] : []),
    // Positional from here on, whatever the release name looks like.
    '--',
    target.releaseName,
    '.',
  ];
  const command = tools.helmCommand;
  const ran = `${command} ${args.join(' ')}`;
  const [version, output] = await Promise.all([
    toolVersion('helm', command, tools.timeoutMs),
    runTool({
      tool: 'helm',
      command,
      args,
      cwd: dir,
      timeoutMs: tools.timeoutMs,
      maxOutputBytes: tools.maxOutputBytes,
    }).catch(error => {
      if (error instanceof ToolRunFailure) {
        throw toolFailureProblem(target.channel, ran, error, dir);
      }
      throw error;
    }),
  ]);
  const counts = new Map<string, number>();
  const objects = parseManifestStream(
    output.stdout,
    `the output of \`${ran}\``,
    target.channel,
  ).map(({ object, documentText }) => {
    const file = templateOf(documentText);
    const index = counts.get(file) ?? 0;
    counts.set(file, index + 1);
    return { object, file, index };
  });
  return { layout: 'helm', objects, tool: { name: 'helm', version } };
}
