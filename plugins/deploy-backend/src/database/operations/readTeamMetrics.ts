import { InputError } from '@backstage/errors';
import {
  DeploymentStatus,
  TeamMetricsResponse,
} from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import { whereReadable } from './whereReadable';
import { TeamMetricsQuery } from '../DeploymentStore';
import { parseIsoTime } from '../parseIsoTime';
import { timestampToMillis } from '../rowMapping';
import { DbTimestamp } from '../tables';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_WINDOW_DAYS = 366;

/** Deployments that ran to an outcome; rejected and cancelled ones never ran. */
const OUTCOME_STATUSES: DeploymentStatus[] = [
  'succeeded',
  'failed',
  'rolled_back',
];
const FAILURE_STATUSES: DeploymentStatus[] = ['failed', 'rolled_back'];

/** The columns the figures need, one row per deployment in the window. */
export interface TeamMetricsRow {
  status: DeploymentStatus;
  created_at: DbTimestamp;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
  /** For failures: when the next success of the same service and channel finished. */
  restored_at: DbTimestamp | null;
}

/**
 * Computes a team's delivery figures over [from, to).
 *
 * The database selects the window's deployments through the owner index and
 * finds, for each failure, the next success in its service and channel (a
 * correlated subquery on the service index). The arithmetic happens here:
 * a median and UTC day buckets have no portable SQL across SQLite and
 * PostgreSQL, and the window is capped at a year, which for even a busy team
 * (a hundred deployments a day) is a few tens of thousands of five-column rows.
 */
export async function readTeamMetrics(
  knex: Knex,
  query: TeamMetricsQuery,
): Promise<TeamMetricsResponse> {
  const from = parseIsoTime('from', query.from);
  const to = parseIsoTime('to', query.to);
  if (to <= from) {
    throw new InputError(
      `'to' (${query.to}) must be after 'from' (${query.from})`,
    );
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `The window from ${query.from} to ${query.to} is longer than ${MAX_WINDOW_DAYS} days; ask for a shorter one`,
    );
  }

  // The first success after the failure, found by walking the service index
  // forward from the failure and stopping at the first match.
  const nextSuccessFinishedAt = knex('deployments as next')
    .select('next.finished_at')
    .where('next.service_name', knex.ref('d.service_name'))
    .andWhere('next.channel', knex.ref('d.channel'))
    .andWhere('next.status', 'succeeded')
    .andWhere('next.created_at', '>', knex.ref('d.created_at'))
    .orderBy('next.created_at', 'asc')
    .limit(1);

  const rows: TeamMetricsRow[] = await knex('deployments as d')
    .select(
      'd.status',
      'd.created_at',
      'd.started_at',
      'd.finished_at',
      knex.raw('CASE WHEN d.status IN (?, ?) THEN ? END AS restored_at', [
        ...FAILURE_STATUSES,
        nextSuccessFinishedAt,
      ]),
    )
    .where('d.owner_ref', query.team)
    .andWhere('d.created_at', '>=', from)
    .andWhere('d.created_at', '<', to)
    .modify(builder => {
      if (query.readable) {
        whereReadable(builder, query.readable, {
          ownerRef: 'd.owner_ref',
          service: 'd.service_name',
        });
      }
    });

  return {
    team: query.team,
    from: from.toISOString(),
    to: to.toISOString(),
    ...summarizeDeployments(rows, from, to),
  };
}

/** The figures of TeamMetricsResponse, from the window's rows. */
export function summarizeDeployments(
  rows: TeamMetricsRow[],
  from: Date,
  to: Date,
): Omit<TeamMetricsResponse, 'team' | 'from' | 'to'> {
  const firstDayStart = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const perDay: TeamMetricsResponse['perDay'] = [];
  for (let start = firstDayStart; start < to.getTime(); start += DAY_MS) {
    perDay.push({ day: utcDay(start), total: 0, succeeded: 0, failed: 0 });
  }
  for (const row of rows) {
    const dayNumber = Math.floor(
      (timestampToMillis(row.created_at) - firstDayStart) / DAY_MS,
    );
    const day = perDay[dayNumber];
    day.total += 1;
    if (row.status === 'succeeded') {
      day.succeeded += 1;
    } else if (FAILURE_STATUSES.includes(row.status)) {
      day.failed += 1;
    }
  }

  const finished = rows.filter(row => OUTCOME_STATUSES.includes(row.status));
  const succeeded = finished.filter(row => row.status === 'succeeded');
  const failures = finished.filter(row =>
    FAILURE_STATUSES.includes(row.status),
  );

  const durationsSeconds = finished.flatMap(row =>
    row.finished_at === null
      ? []
      : [
          (timestampToMillis(row.finished_at) -
            timestampToMillis(row.started_at ?? row.created_at)) /
            1000,
        ],
  );
  // A failure not yet followed by a success has not been restored; it is left
  // out rather than counted as restored at the window's end.
  const restoreSeconds = failures.flatMap(row =>
    row.restored_at === null
      ? []
      : [
          (timestampToMillis(row.restored_at) -
            timestampToMillis(row.finished_at ?? row.created_at)) /
            1000,
        ],
  );

  return {
    deployments: rows.length,
    perDay,
    successRate: ratio(succeeded.length, finished.length),
    medianDurationSeconds: median(durationsSeconds),
    changeFailureRate: ratio(failures.length, finished.length),
    meanTimeToRestoreSeconds: mean(restoreSeconds),
  };
}

function utcDay(millis: number): string {
  return new Date(millis).toISOString().slice(0, 10);
}

function ratio(part: number, whole: number): number | undefined {
  return whole === 0 ? undefined : part / whole;
}

function mean(values: number[]): number | undefined {
  return values.length === 0
    ? undefined
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}
