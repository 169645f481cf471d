import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';

/** One file of a manifest directory. */
export interface SnapshotFile {
  /** Relative to the manifests directory, with "/" separators. */
  path: string;
  content: Buffer;
}

/**
 * A service's manifest directory as Slipway read it, kept by content hash so
 * a promotion, a diff or a re-render uses exactly these files.
 */
export interface ManifestSnapshot {
  hash: string;
  /** Where the directory was read. */
  url: string;
  /** The commit the read returned (its etag), when the reader knows one. */
  commit?: string;
  files: SnapshotFile[];
}

/** Limits on what Slipway reads and keeps of a manifest directory. */
export const SNAPSHOT_LIMITS = {
  maxFiles: 1000,
  maxTotalBytes: 4 * 1024 * 1024,
} as const;

/** The content hash of a set of files: the same files always hash the same. */
export function hashFiles(files: SnapshotFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) =>
    a.path < b.path ? -1 : Number(a.path > b.path),
  )) {
    hash.update(file.path).update('\0');
    hash.update(createHash('sha256').update(file.content).digest());
  }
  return hash.digest('hex');
}

export function encodeSnapshotFiles(files: SnapshotFile[]): Buffer {
  return gzipSync(
    JSON.stringify(
      files.map(f => ({ path: f.path, content: f.content.toString('base64') })),
    ),
  );
}

export function decodeSnapshotFiles(data: Buffer | Uint8Array): SnapshotFile[] {
  const list: Array<{ path: string; content: string }> = JSON.parse(
    gunzipSync(data).toString('utf8'),
  );
  return list.map(f => ({
    path: f.path,
    content: Buffer.from(f.content, 'base64'),
  }));
}

/**
 * Writes the files into a new temporary directory for a renderer, runs `use`,
 * and always removes the directory.
 */
export async function withSnapshotDirectory<T>(
  files: SnapshotFile[],
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-manifests-'));
  try {
    for (const file of files) {
      const target = resolveSafeChildPath(dir, file.path);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.content);
    }
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
