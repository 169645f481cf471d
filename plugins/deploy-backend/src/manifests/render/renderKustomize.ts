import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { KUSTOMIZATION_FILES } from './detectLayout';
import { parseManifestStream } from './parseManifestStream';
import { isKubectl, runTool, toolVersion, ToolRunFailure } from './runTool';
import { sourceProblem, toolFailureProblem } from './sourceProblem';
import { RenderedSource, RenderTools } from './types';

/** The directory to build for a channel: its own overlay, else the root. */
function kustomizationDir(files: string[], channel: string): string {
  const candidates = [`channels/${channel}`, `overlays/${channel}`, '.'];
  const found = candidates.find(candidate =>
    KUSTOMIZATION_FILES.some(name =>
      files.includes(candidate === '.' ? name : `${candidate}/${name}`),
    ),
  );
  if (!found) {
    throw sourceProblem(
      channel,
      `there is no kustomization to build: none of channels/${channel}/, ` +
        `overlays/${channel}/ or the root of the manifest directory has a ` +
        `kustomization.yaml, kustomization.yml or Kustomization; add an overlay ` +
        `for the channel ` +
        `(e.g. channels/${channel}/kustomization.yaml with resources: [../../base])`,
    );
  }
  return found;
}

/** Kustomization fields that name other files or directories to load. */
const PATH_FIELDS = [
  'resources',
  'bases',
  'components',
  'crds',
  'configurations',
];

/**
 * Kustomize keeps files inside the kustomization root, but loads
 * `resources:` directories from anywhere on the machine: every path a
 * kustomization names must stay inside the manifest directory.
 */
async function checkPathsStayInside(
  dir: string,
  files: string[],
  channel: string,
) {
  for (const file of files.filter(f =>
    KUSTOMIZATION_FILES.includes(path.posix.basename(f)),
  )) {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    let kustomization: Record<string, unknown> | undefined;
    try {
      kustomization = parse(text) ?? undefined;
    } catch {
      continue; // kustomize reports the syntax error itself
    }
    const entries = PATH_FIELDS.flatMap(field => {
      const value = kustomization?.[field];
      return Array.isArray(value)
        ? value.filter(v => typeof v === 'string')
        : [];
    });
    for (const entry of entries as string[]) {
      if (
        /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
        /^(git@|github\.com\/)/.test(entry)
      ) {
        continue; // remote: refused by the no-network rule, with its own message
      }
      const resolved = path.resolve(dir, path.dirname(file), entry);
      if (resolved !== dir && !resolved.startsWith(`${dir}${path.sep}`)) {
        throw sourceProblem(
          channel,
          `${file} names "${entry}", which is outside the manifest directory; ` +
            'a kustomization may only use files and directories inside it',
        );
      }
    }
  }
}

/**
 * Kustomize: `kustomize build` (or `kubectl kustomize`) of the channel's
 * overlay, with kustomize's default load restrictions and no Helm, exec or
 * alpha plugins.
 */
export async function renderKustomize(
  dir: string,
  files: string[],
  channel: string,
  tools: RenderTools,
): Promise<RenderedSource> {
  const target = kustomizationDir(files, channel);
  await checkPathsStayInside(dir, files, channel);
  const command = tools.kustomizeCommand;
  const args = isKubectl(command) ? ['kustomize', target] : ['build', target];
  const ran = `${command} ${args.join(' ')}`;
  const [version, output] = await Promise.all([
    toolVersion('kustomize', command, tools.timeoutMs),
    runTool({
      tool: 'kustomize',
      command,
      args,
      cwd: dir,
      timeoutMs: tools.timeoutMs,
      maxOutputBytes: tools.maxOutputBytes,
    }).catch(error => {
      if (error instanceof ToolRunFailure) {
        throw toolFailureProblem(channel, ran, error, dir);
      }
      throw error;
    }),
  ]);
  const objects = parseManifestStream(
    output.stdout,
    `the output of \`${ran}\``,
    channel,
  ).map(({ object }, index) => ({ object, file: target, index }));
  return { layout: 'kustomize', objects, tool: { name: 'kustomize', version } };
}
