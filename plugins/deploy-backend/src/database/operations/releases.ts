import { ConflictError, InputError } from '@backstage/errors';
import { PublishReleaseRequest, Release } from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { timestampToIso } from '../rowMapping';
import { ReleasesTableRow } from '../tables';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

/** A release with its place in the publication order. */
export interface StoredRelease extends Release {
  /** Increasing with publication; a later release supersedes an earlier one. */
  seq: number;
}

function toRelease(row: ReleasesTableRow): StoredRelease {
  return {
    seq: Number(row.seq),
    service: row.service_name,
    version: row.version,
    ...(row.digest && { digest: row.digest }),
    ...(row.commit && { commit: row.commit }),
    ...(row.commit_url && { commitUrl: row.commit_url }),
    ...(row.build_url && { buildUrl: row.build_url }),
    ...(row.title && { title: row.title }),
    publishedBy: row.published_by,
    publishedAt: timestampToIso(row.published_at),
  };
}

/** The fields CI sends, as they are stored; a republish must match them. */
const PUBLISHED_FIELDS = [
  ['digest', 'digest'],
  ['commit', 'commit'],
  ['commitUrl', 'commit_url'],
  ['buildUrl', 'build_url'],
  ['title', 'title'],
] as const;

/**
 * Stores a release. Publishing a version again with the same fields is a
 * no-op (CI retries); with other fields it is a conflict, since an image tag
 * names one build.
 */
export async function publishRelease(
  knex: Knex,
  service: string,
  request: PublishReleaseRequest,
  publishedBy: string,
  isUniqueViolation: (error: unknown) => boolean,
): Promise<{ release: StoredRelease; created: boolean }> {
  const row: Omit<ReleasesTableRow, 'seq'> = {
    service_name: service,
    version: request.version,
    digest: request.digest ?? null,
    commit: request.commit ?? null,
    commit_url: request.commitUrl ?? null,
    build_url: request.buildUrl ?? null,
    title: request.title ?? null,
    published_by: publishedBy,
    published_at: new Date(),
  };
  try {
    await knex('releases').insert(row);
    return {
      release: (await getRelease(knex, service, request.version))!,
      created: true,
    };
  } catch (error) {
    if (!isUniqueViolation(error)) {
      throw error;
    }
  }
  const existing = (await getRelease(knex, service, request.version))!;
  const differs = PUBLISHED_FIELDS.filter(
    ([field]) => (request[field] ?? undefined) !== existing[field],
  ).map(([field]) => field);
  if (differs.length > 0) {
    throw new ConflictError(
      `${service} ${request.version} was published already, by ${
        existing.publishedBy
      } at ${existing.publishedAt}, with another ${differs.join(
        ', ',
      )}; a version names one build — publish the new build under a new version`,
    );
  }
  return { release: existing, created: false };
}

export async function getRelease(
  knex: Knex,
  service: string,
  version: string,
): Promise<StoredRelease | undefined> {
  const row = await knex<ReleasesTableRow>('releases')
    .where({ service_name: service, version })
    .first();
  return row && toRelease(row);
}

function decodeCursor(cursor: string): number {
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new InputError(
      'cursor: not a cursor of this list; pass the nextCursor of a previous page unchanged',
    );
  }
  return seq;
}

/** A page of a service's releases, newest first, keyset-paged by publication order. */
export async function listReleases(
  knex: Knex,
  service: string,
  options: { limit?: number; cursor?: string; after?: number } = {},
): Promise<{ items: StoredRelease[]; nextCursor?: string }> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError(
      `limit: ${limit} is out of range; use a whole number from 1 to ${MAX_LIMIT}`,
    );
  }
  const query = knex<ReleasesTableRow>('releases')
    .where('service_name', service)
    .orderBy('seq', 'desc')
    .limit(limit + 1);
  if (options.cursor) {
    query.where('seq', '<', decodeCursor(options.cursor));
  }
  if (options.after !== undefined) {
    query.where('seq', '>', options.after);
  }
  const rows = (await query).map(toRelease);
  const items = rows.slice(0, limit);
  return {
    items,
    ...(rows.length > limit && {
      nextCursor: Buffer.from(String(items[items.length - 1].seq)).toString(
        'base64url',
      ),
    }),
  };
}

/**
 * Keeps a service's newest `keep` releases, and any older one a channel
 * still runs (`inUse`): history is bounded, the pipeline stays whole.
 */
export async function pruneReleases(
  knex: Knex,
  service: string,
  keep: number,
  inUse: string[],
): Promise<number> {
  const cutoff = await knex<ReleasesTableRow>('releases')
    .where('service_name', service)
    .orderBy('seq', 'desc')
    .offset(keep)
    .first('seq');
  if (!cutoff) {
    return 0;
  }
  return knex<ReleasesTableRow>('releases')
    .where('service_name', service)
    .where('seq', '<=', cutoff.seq)
    .whereNotIn('version', inUse)
    .delete();
}
