import fs from 'node:fs/promises';
import path from 'node:path';
import { parseManifestStream } from './parseManifestStream';
import { SourcedObject } from './types';

const YAML_FILE = /\.ya?ml$/;

function isHidden(file: string): boolean {
  return file.split('/').some(segment => segment.startsWith('.'));
}

async function isDirectory(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat?.isDirectory() ?? false;
}

/**
 * The YAML files that make up a channel, by their path below base (or the
 * root) and the channel directory: `base/**` (or, without `base/`, the
 * root's own files), where `channels/<channel>/**` replaces a file of the
 * same relative path and adds the others.
 */
async function channelFiles(
  dir: string,
  files: string[],
  channel: string,
): Promise<Map<string, string>> {
  const yamlFiles = files.filter(f => YAML_FILE.test(f) && !isHidden(f));
  const byRelativePath = new Map<string, string>();
  const take = (prefix: string, recursive: boolean) => {
    for (const file of yamlFiles) {
      const rest = file.slice(prefix.length);
      if (file.startsWith(prefix) && (recursive || !rest.includes('/'))) {
        byRelativePath.set(rest, file);
      }
    }
  };
  if (await isDirectory(path.join(dir, 'base'))) {
    take('base/', true);
  } else {
    take('', false);
  }
  take(`channels/${channel}/`, true);
  return byRelativePath;
}

/**
 * Plain YAML, parsed in process: the channel's files (see `channelFiles`),
 * ordered by relative path, each document one object.
 */
export async function renderPlain(
  dir: string,
  files: string[],
  channel: string,
): Promise<SourcedObject[]> {
  const chosen = await channelFiles(dir, files, channel);
  const relativePaths = [...chosen.keys()].sort((a, b) =>
    a < b ? -1 : Number(a > b),
  );
  const objects: SourcedObject[] = [];
  for (const relativePath of relativePaths) {
    const file = chosen.get(relativePath)!;
    const content = await fs.readFile(path.join(dir, file), 'utf8');
    parseManifestStream(content, file, channel).forEach(({ object }, index) =>
      objects.push({ object, file, index }),
    );
  }
  return objects;
}
