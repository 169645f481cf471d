// Row shapes of the plugin's tables, as knex reads and writes them. The schema
// itself lives in the package's migrations/ folder.

/**
 * A timestamp column as the drivers hand it back: PostgreSQL gives a Date,
 * better-sqlite3 the epoch milliseconds knex wrote (knex binds Dates as
 * numbers there). Writes always pass a Date.
 */
export type DbTimestamp = Date | number | string;

export interface ServicesTableRow {
  name: string;
  entity_ref: string;
  owner_ref: string;
  /** JSON of ServiceSpec. */
  spec: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface DeploymentsTableRow {
  id: string;
  service_name: string;
  owner_ref: string;
  channel: string;
  version: string;
  previous_version: string | null;
  status: string;
  step: string | null;
  /** "service/channel" while the deployment is active, null once final. */
  active_key: string | null;
  requested_by: string;
  approved_by: string | null;
  override_reason: string | null;
  /** JSON of DeploymentResult. */
  result: string | null;
  /** JSON of the ServiceSpec pinned at request time; null on older rows. */
  spec?: string | null;
  claimed_by: string | null;
  heartbeat_at: DbTimestamp | null;
  /** Random per claim: the writes of an older claim no longer match. */
  claim_token?: string | null;
  /** A released deployment is not claimed again before this time. */
  due_at?: DbTimestamp | null;
  /** Transient step failures in a row since the last status change. */
  attempts?: number;
  /** JSON of DeploymentAutomation, when a channel rule started it. */
  automation?: string | null;
  /** "service/channel/version" of a rule's deployment; unique. */
  automation_key?: string | null;
  created_at: DbTimestamp;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
}

export interface ReleasesTableRow {
  /** bigint: PostgreSQL returns it as a string. */
  seq: number | string;
  service_name: string;
  version: string;
  digest: string | null;
  commit: string | null;
  commit_url: string | null;
  build_url: string | null;
  title: string | null;
  published_by: string;
  published_at: DbTimestamp;
}

export interface DeploymentSetsTableRow {
  deployment_id: string;
  /** gzip of the canonical JSON of the RenderedSet. */
  data: Buffer;
  hash: string;
  source_kind: string;
}

export interface ManifestSourcesTableRow {
  hash: string;
  url: string;
  commit: string | null;
  /** gzip of the JSON list of files. */
  files: Buffer;
  created_at: DbTimestamp;
}

export interface DeploymentEventsTableRow {
  /** bigint: PostgreSQL returns it as a string. */
  id: number | string;
  deployment_id: string;
  type: string;
  message: string;
  /** JSON object, or null. */
  data: string | null;
  created_at: DbTimestamp;
}

export interface DeploymentEvidenceTableRow {
  id: number | string;
  deployment_id: string;
  kind: string;
  /** JSON of FailureEvidence. */
  data: string;
  captured_at: DbTimestamp;
}

/** Every deployments column but the pinned spec, for reading history in bulk. */
export const DEPLOYMENT_COLUMNS = [
  'id',
  'service_name',
  'owner_ref',
  'channel',
  'version',
  'previous_version',
  'status',
  'step',
  'active_key',
  'requested_by',
  'approved_by',
  'override_reason',
  'result',
  'claimed_by',
  'heartbeat_at',
  'attempts',
  'automation',
  'created_at',
  'started_at',
  'finished_at',
] as const;
