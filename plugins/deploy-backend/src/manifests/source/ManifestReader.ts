import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ManifestSnapshot,
  SNAPSHOT_LIMITS,
  SnapshotFile,
  hashFiles,
} from './ManifestSnapshot';

function tooBig(url: string): InputError {
  return new InputError(
    `The manifests at ${url} are too large: Slipway reads at most ${
      SNAPSHOT_LIMITS.maxFiles
    } files and ${
      SNAPSHOT_LIMITS.maxTotalBytes / 1024 / 1024
    } MiB; point slipway.dev/manifests at the deploy directory only`,
  );
}

/** Adds files while they fit the limits; throws when they don't. */
class SnapshotCollector {
  readonly files: SnapshotFile[] = [];
  private bytes = 0;

  constructor(private readonly url: string) {}

  add(file: SnapshotFile) {
    this.bytes += file.content.length;
    this.files.push(file);
    if (
      this.files.length > SNAPSHOT_LIMITS.maxFiles ||
      this.bytes > SNAPSHOT_LIMITS.maxTotalBytes
    ) {
      throw tooBig(this.url);
    }
  }
}

/**
 * Reads a service's manifest directory once, at request time, into a
 * snapshot: from its repository through Backstage's UrlReaderService
 * (pinned to the commit the read returned), or — only when a local directory
 * is configured, for portals without a git host — from a folder inside that
 * directory and nowhere else.
 */
export class ManifestReader {
  constructor(
    private readonly options: {
      urlReader?: UrlReaderService;
      /** The only local directory `file:` URLs may read from; off when unset. */
      localDirectory?: string;
    },
  ) {}

  async read(url: string): Promise<ManifestSnapshot> {
    if (url.startsWith('file:')) {
      return this.readLocal(url);
    }
    const { urlReader } = this.options;
    if (!urlReader) {
      throw new InputError(`Slipway cannot read manifests from ${url}`);
    }
    let response;
    try {
      response = await urlReader.readTree(url, {
        filter: (_path, info) =>
          (info?.size ?? 0) <= SNAPSHOT_LIMITS.maxTotalBytes,
      });
    } catch (error) {
      if (
        error instanceof NotFoundError ||
        (error as any)?.name === 'NotFoundError'
      ) {
        throw new InputError(
          `The manifests directory ${url} (slipway.dev/manifests) was not found: ${
            (error as Error).message
          }`,
        );
      }
      throw error;
    }
    const collector = new SnapshotCollector(url);
    for (const file of await response.files()) {
      collector.add({ path: file.path, content: await file.content() });
    }
    return {
      hash: hashFiles(collector.files),
      url,
      commit: response.etag || undefined,
      files: collector.files,
    };
  }

  private async readLocal(url: string): Promise<ManifestSnapshot> {
    const { localDirectory } = this.options;
    if (!localDirectory) {
      throw new InputError(
        `The manifests are in a local directory (${url}), and reading local directories is off; ` +
          `a portal without a git host turns it on with deploy.localPublish.directory`,
      );
    }
    const root = await fs.realpath(localDirectory).catch(() => {
      throw new InputError(
        `deploy.localPublish.directory "${localDirectory}" does not exist`,
      );
    });
    const requested = fileURLToPath(url);
    const dir = await fs.realpath(requested).catch(() => {
      throw new InputError(
        `The manifests directory ${requested} (slipway.dev/manifests) does not exist`,
      );
    });
    if (dir !== root && !dir.startsWith(`${root}${path.sep}`)) {
      throw new InputError(
        `The manifests directory ${requested} is outside the local publishing directory; Slipway reads local manifests only from ${root}`,
      );
    }
    const collector = new SnapshotCollector(url);
    const walk = async (relative: string) => {
      const entries = await fs.readdir(path.join(dir, relative), {
        withFileTypes: true,
      });
      for (const entry of entries.sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        // Links could lead outside the directory: never followed.
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          await walk(child);
        } else if (entry.isFile()) {
          collector.add({
            path: child,
            content: await fs.readFile(path.join(dir, child)),
          });
        }
      }
    };
    await walk('');
    const hash = hashFiles(collector.files);
    return { hash, url, commit: `sha256:${hash}`, files: collector.files };
  }
}
