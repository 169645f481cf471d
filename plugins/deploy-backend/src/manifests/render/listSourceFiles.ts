import fs from 'node:fs/promises';
import path from 'node:path';

/** The files of a manifest directory, and the links that lead out of it. */
export interface SourceListing {
  /** Relative paths with `/`, sorted; symbolic links to files inside count as files. */
  files: string[];
  /** Symbolic links that point outside the directory, or at nothing. */
  outsideLinks: string[];
}

/**
 * Lists a manifest directory. Symbolic links to directories are not followed
 * (a loop would never end); links out of the directory are reported, because
 * a tool that followed one would read the backend's own files.
 */
export async function listSourceFiles(dir: string): Promise<SourceListing> {
  const root = await fs.realpath(dir);
  const files: string[] = [];
  const outsideLinks: string[] = [];

  async function walk(relative: string): Promise<void> {
    const entries = await fs.readdir(path.join(root, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(child);
      } else if (entry.isFile()) {
        files.push(child);
      } else if (entry.isSymbolicLink()) {
        const target = await fs
          .realpath(path.join(root, child))
          .catch(() => undefined);
        const inside =
          target !== undefined &&
          !path.relative(root, target).startsWith('..') &&
          !path.isAbsolute(path.relative(root, target));
        if (!inside) {
          outsideLinks.push(child);
        } else if ((await fs.stat(target)).isFile()) {
          files.push(child);
        }
      }
    }
  }

  await walk('');
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : Number(a > b));
  return {
    files: files.sort(byCodePoint),
    outsideLinks: outsideLinks.sort(byCodePoint),
  };
}
