import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SourceTree } from '../__fixtures__/sourceTrees';

/** Writes a source tree into a new temporary directory and returns its path. */
export async function writeSourceTree(tree: SourceTree): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-source-'));
  for (const [file, content] of Object.entries(tree)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), content, { mode: 0o644 });
  }
  return dir;
}

/** Writes an executable shell script, e.g. a stand-in for a tool. */
export async function writeScript(
  dir: string,
  name: string,
  body: string,
): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}
