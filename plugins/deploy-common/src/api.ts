// The deploy backend's REST API for TypeScript callers: the models and the
// client that `backstage-repo-tools package schema openapi generate`
// writes from the backend's spec (plugins/deploy-backend/src/schema/openapi.yaml).
// Change the spec, not these: scripts/check-openapi.sh fails on a stale copy.
import {
  GetTeamMetrics,
  ListDeployments,
  ListReleases,
} from './schema/openapi/generated/apis';

export * from './schema/openapi/generated/models';
// The client and, for each operation, its request type.
export * from './schema/openapi/generated/apis';

// The generator types `format: date-time` query parameters as Date and
// renames `from` (a word it keeps out of TypeScript names) to `_from`; on the
// wire they are ISO strings named `from` and `to`, as below.

/**
 * `GET /deployments` — query parameters; all optional, combined with AND.
 * `from` and `to` are ISO timestamps: createdAt within [from, to).
 *
 * @public
 */
export type ListDeploymentsQuery = Omit<
  ListDeployments['query'],
  '_from' | 'to'
> & { from?: string; to?: string };

/**
 * `GET /services/{service}/releases` — a page of releases, newest first.
 *
 * @public
 */
export type ListReleasesQuery = ListReleases['query'];

/**
 * `GET /metrics` — a team's delivery figures over [from, to) (ISO timestamps).
 *
 * @public
 */
export type TeamMetricsQuery = Omit<GetTeamMetrics['query'], '_from' | 'to'> & {
  from: string;
  to: string;
};
