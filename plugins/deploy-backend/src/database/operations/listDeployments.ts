import { InputError } from '@backstage/errors';
import {
  ListDeploymentsQuery,
  ListDeploymentsResponse,
} from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { parseIsoTime } from '../parseIsoTime';
import { timestampToMillis, toStoredDeployment } from '../rowMapping';
import { DEPLOYMENT_COLUMNS, DeploymentsTableRow } from '../tables';
import { ReadableServices } from '../DeploymentStore';
import { whereReadable } from './whereReadable';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** Where the previous page ended: the last row's creation time and id. */
interface HistoryCursor {
  createdAtMillis: number;
  id: string;
}

function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(
    JSON.stringify([cursor.createdAtMillis, cursor.id]),
  ).toString('base64url');
}

function decodeCursor(text: string): HistoryCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    Number.isInteger(parsed[0]) &&
    typeof parsed[1] === 'string'
  ) {
    return { createdAtMillis: parsed[0], id: parsed[1] };
  }
  throw new InputError(
    'Invalid cursor; pass the nextCursor of a previous page unchanged',
  );
}

/**
 * Reads a page of deployment history, newest first (created_at, then id, both
 * descending). Paging is by keyset, so a deep page costs as much as the first
 * and rows inserted meanwhile neither repeat nor shift the pages after.
 */
export async function listDeployments(
  knex: Knex,
  query: ListDeploymentsQuery,
  readable?: ReadableServices,
): Promise<ListDeploymentsResponse> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError(
      `Invalid limit ${limit}; expected a whole number from 1 to ${MAX_LIMIT}`,
    );
  }

  const rows = knex<DeploymentsTableRow>('deployments').select<
    DeploymentsTableRow[]
  >([...DEPLOYMENT_COLUMNS]);
  if (readable) {
    whereReadable(rows, readable, {
      ownerRef: 'owner_ref',
      service: 'service_name',
    });
  }
  if (query.service) {
    rows.where('service_name', query.service);
  }
  if (query.team) {
    rows.where('owner_ref', query.team);
  }
  if (query.channel) {
    rows.where('channel', query.channel);
  }
  if (query.status) {
    rows.where('status', query.status);
  }
  if (query.from) {
    rows.where('created_at', '>=', parseIsoTime('from', query.from));
  }
  if (query.to) {
    rows.where('created_at', '<', parseIsoTime('to', query.to));
  }
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    const createdAt = new Date(after.createdAtMillis);
    // Spelled as a range on created_at plus a tie-break rather than a row
    // value, so both engines bound the index scan with it.
    rows
      .where('created_at', '<=', createdAt)
      .andWhere(older =>
        older.where('created_at', '<', createdAt).orWhere('id', '<', after.id),
      );
  }

  const page = await rows
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);

  const hasMore = page.length > limit;
  const items = page.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toStoredDeployment),
    nextCursor:
      hasMore && last
        ? encodeCursor({
            createdAtMillis: timestampToMillis(last.created_at),
            id: last.id,
          })
        : undefined,
  };
}
