import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';

/**
 * The pinned kustomize that renders a service's manifests in Slipway
 * (`scripts/setup.sh` builds it into .tools/render/bin), else one on PATH.
 */
export function kustomizeCommand(): string {
  const pinned = path.resolve(
    __dirname,
    '../../../../.tools/render/bin/kustomize',
  );
  return fs.existsSync(pinned) ? pinned : 'kustomize';
}

/** A Kubernetes object as kustomize writes it; tests read what they need. */
export type BuiltObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
};

/**
 * `kustomize build <dir>` with the real tool, as Slipway builds a channel's
 * overlay; fails (never skips) when the tool is missing.
 */
export async function kustomizeBuild(dir: string): Promise<BuiltObject[]> {
  const command = kustomizeCommand();
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(command, ['build', dir]));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `kustomize was not found (${command}). These tests build the manifests with the real kustomize: run ` +
          '`source scripts/setup.sh && slipway_render_tools` to build it into .tools/render/bin.',
      );
    }
    throw error;
  }
  return yaml
    .parseAllDocuments(stdout)
    .map(document => document.toJS() as BuiltObject)
    .filter(Boolean);
}
