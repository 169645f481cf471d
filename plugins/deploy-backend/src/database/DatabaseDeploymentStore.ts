import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  DeploymentEvent,
  FailureEvidence,
  ListDeploymentsQuery,
  ListDeploymentsResponse,
  PublishReleaseRequest,
  Service,
  ServiceSpec,
  TeamMetricsResponse,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import { Knex } from 'knex';
import {
  CreateDeploymentInput,
  DeploymentStore,
  DeploymentTransition,
  NewDeploymentEvent,
  ReadableServices,
  ServiceRegistration,
  StoredDeployment,
  StoredSet,
  TeamMetricsQuery,
} from './DeploymentStore';
import { newDeploymentId } from './deploymentIds';
import { decodeSet, encodeSet } from '../manifests/renderedSet';
import {
  ManifestSnapshot,
  decodeSnapshotFiles,
  encodeSnapshotFiles,
} from '../manifests/source/ManifestSnapshot';
import { applyDatabaseMigrations } from './migrations';
import { parseIsoTime } from './parseIsoTime';
import { claimNextDeployment } from './operations/claimNextDeployment';
import { ClaimLostError } from './ClaimLostError';
import { databaseNow } from './databaseNow';
import { listDeployments } from './operations/listDeployments';
import { readTeamMetrics } from './operations/readTeamMetrics';
import {
  StoredRelease,
  getRelease,
  listReleases,
  publishRelease,
  pruneReleases,
} from './operations/releases';
import { whereReadable } from './operations/whereReadable';
import {
  toDeploymentEvent,
  toFailureEvidence,
  toService,
  toStoredDeployment,
} from './rowMapping';
import {
  DeploymentEventsTableRow,
  DeploymentEvidenceTableRow,
  DeploymentSetsTableRow,
  DeploymentsTableRow,
  ManifestSourcesTableRow,
  ServicesTableRow,
} from './tables';

/**
 * Whether an insert or update broke a unique index, on either engine. Checked
 * by code, not by class: better-sqlite3 builds its errors with the class of
 * the first module instance that loaded it, which under Jest is often
 * another realm's Error.
 */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return false;
  }
  return (
    error.code === '23505' ||
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function activeKeyOf(service: string, channel: string): string {
  return `${service}/${channel}`;
}

/** How many decoded sets the store keeps in memory. */
const CACHED_SETS = 256;

/** The deployment store on the plugin's database: SQLite or PostgreSQL. */
export class DatabaseDeploymentStore implements DeploymentStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseDeploymentStore> {
    const knex = await options.database.getClient();
    return DatabaseDeploymentStore.fromKnex(knex, {
      skipMigrations:
        options.skipMigrations || options.database.migrations?.skip,
    });
  }

  /** Wraps a knex client, as tests and the benchmark have one. */
  static async fromKnex(
    knex: Knex,
    options: { skipMigrations?: boolean } = {},
  ): Promise<DatabaseDeploymentStore> {
    if (!options.skipMigrations) {
      await applyDatabaseMigrations(knex);
    }
    return new DatabaseDeploymentStore(knex);
  }

  /** Decoded sets by deployment id, oldest first. */
  private readonly sets = new Map<string, StoredSet>();

  private constructor(private readonly knex: Knex) {}

  async registerService(request: ServiceRegistration): Promise<Service> {
    const now = new Date();
    const row: ServicesTableRow = {
      name: request.name,
      entity_ref: request.entityRef,
      owner_ref: request.ownerRef,
      spec: JSON.stringify(request.spec),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.knex<ServicesTableRow>('services').insert(row);
      return toService(row);
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
    }

    // Either the name or the entity is registered already: an update when it
    // is the same pair, a conflict when one of them belongs to another.
    const existing = await this.getService(request.name);
    if (existing?.entityRef === request.entityRef) {
      return this.updateService(request.name, {
        ownerRef: request.ownerRef,
        spec: request.spec,
      });
    }
    if (existing) {
      throw new ConflictError(
        `The service name '${request.name}' is taken by ${existing.entityRef}; choose another name`,
      );
    }
    const other = await this.getServiceByEntityRef(request.entityRef);
    throw new ConflictError(
      `${request.entityRef} is already registered as the service '${
        other?.name ?? 'unknown'
      }'`,
    );
  }

  async getService(name: string): Promise<Service | undefined> {
    const row = await this.knex<ServicesTableRow>('services')
      .where('name', name)
      .first();
    return row && toService(row);
  }

  async getServiceByEntityRef(entityRef: string): Promise<Service | undefined> {
    const row = await this.knex<ServicesTableRow>('services')
      .where('entity_ref', entityRef)
      .first();
    return row && toService(row);
  }

  async listServices(
    options: { ownerRef?: string; readable?: ReadableServices } = {},
  ): Promise<Service[]> {
    const rows = this.knex<ServicesTableRow>('services').orderBy('name');
    if (options.ownerRef) {
      rows.where('owner_ref', options.ownerRef);
    }
    if (options.readable) {
      whereReadable(rows, options.readable, {
        ownerRef: 'owner_ref',
        service: 'name',
      });
    }
    return (await rows).map(toService);
  }

  async updateServiceOwner(name: string, ownerRef: string): Promise<Service> {
    return this.updateService(name, { ownerRef });
  }

  /** Updates a service; a new owner takes the service's history along. */
  private async updateService(
    name: string,
    changes: { ownerRef: string; spec?: ServiceSpec },
  ): Promise<Service> {
    await this.knex.transaction(async tx => {
      const updated = await tx<ServicesTableRow>('services')
        .where('name', name)
        .update({
          owner_ref: changes.ownerRef,
          ...(changes.spec && { spec: JSON.stringify(changes.spec) }),
          updated_at: new Date(),
        });
      if (updated === 0) {
        throw new NotFoundError(`No service named '${name}' is registered`);
      }
      await tx<DeploymentsTableRow>('deployments')
        .where('service_name', name)
        .whereNot('owner_ref', changes.ownerRef)
        .update({ owner_ref: changes.ownerRef });
    });
    const service = await this.getService(name);
    if (!service) {
      throw new NotFoundError(`No service named '${name}' is registered`);
    }
    return service;
  }

  async createDeployment(
    input: CreateDeploymentInput,
  ): Promise<StoredDeployment> {
    const service = await this.getService(input.service);
    if (!service) {
      throw new NotFoundError(
        `No service named '${input.service}' is registered`,
      );
    }
    const createdAt = new Date();
    const row: DeploymentsTableRow = {
      id: input.id ?? newDeploymentId(createdAt),
      service_name: service.name,
      owner_ref: service.ownerRef,
      channel: input.channel,
      version: input.version,
      previous_version: input.previousVersion ?? null,
      status: input.status ?? 'requested',
      step: null,
      active_key: activeKeyOf(service.name, input.channel),
      requested_by: input.requestedBy,
      approved_by: null,
      override_reason: input.overrideReason ?? null,
      automation: input.automation ? JSON.stringify(input.automation) : null,
      // A rule delivers a release to a channel once, whichever replica asks.
      automation_key: input.automation
        ? `${service.name}/${input.channel}/${input.version}`
        : null,
      result: null,
      spec: JSON.stringify(input.spec ?? service.spec),
      claimed_by: null,
      heartbeat_at: null,
      created_at: createdAt,
      started_at: null,
      finished_at: null,
    };

    // The unique index on active_key is what keeps two requests from both
    // becoming active; a violation means another one holds the channel. Should
    // the holder finish between our insert and the look-up, try once more.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.knex.transaction(async tx => {
          await tx<DeploymentsTableRow>('deployments').insert(row);
          if (input.set) {
            const { data, hash } = encodeSet(input.set);
            await tx<DeploymentSetsTableRow>('deployment_sets').insert({
              deployment_id: row.id,
              data,
              hash,
              source_kind: input.set.source.kind,
            });
          }
          // Its first events are written with it: no deployment without them.
          for (const event of input.events ?? []) {
            await tx<DeploymentEventsTableRow>('deployment_events').insert(
              eventRow(row.id, event),
            );
          }
        });
        return toStoredDeployment(row);
      } catch (error) {
        if (!isUniqueViolation(error)) {
          throw error;
        }
        if (input.automation) {
          const delivered = await this.knex<DeploymentsTableRow>('deployments')
            .where(
              'automation_key',
              `${service.name}/${input.channel}/${input.version}`,
            )
            .first('id');
          if (delivered) {
            throw new ConflictError(
              `${input.automation.rule} delivered ${input.version} to ${input.channel} already (deployment ${delivered.id})`,
            );
          }
        }
        const holder = await this.getActiveDeployment(
          service.name,
          input.channel,
        );
        if (holder) {
          throw new ConflictError(
            `${service.name} already has deployment ${holder.id} of ${holder.version} active in ${input.channel} (${holder.status}); wait for it to finish or cancel it`,
          );
        }
        if (attempt === 2) {
          throw error;
        }
      }
    }
  }

  async getDeployment(id: string): Promise<StoredDeployment | undefined> {
    const row = await this.knex<DeploymentsTableRow>('deployments')
      .where('id', id)
      .first();
    return row && toStoredDeployment(row);
  }

  async getActiveDeployment(
    service: string,
    channel: string,
  ): Promise<StoredDeployment | undefined> {
    const row = await this.knex<DeploymentsTableRow>('deployments')
      .where('active_key', activeKeyOf(service, channel))
      .first();
    return row && toStoredDeployment(row);
  }

  async lastSucceeded(
    service: string,
    channel: string,
  ): Promise<StoredDeployment | undefined> {
    const row = await this.knex<DeploymentsTableRow>('deployments')
      .where({ service_name: service, channel, status: 'succeeded' })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row && toStoredDeployment(row);
  }

  async transition(id: string, change: DeploymentTransition): Promise<boolean> {
    const finalFrom = change.from.filter(isFinalDeploymentStatus);
    if (finalFrom.length > 0) {
      throw new Error(
        `A deployment never leaves a final status, yet a transition from ${finalFrom.join(
          ', ',
        )} was asked for`,
      );
    }
    const toFinal = isFinalDeploymentStatus(change.to);
    const update: Partial<DeploymentsTableRow> = {
      status: change.to,
      step: change.step ?? null,
      // A step that moved the deployment on ends a run of failures.
      attempts: 0,
    };
    if (change.result !== undefined) {
      update.result = JSON.stringify(change.result);
    }
    if (change.approvedBy !== undefined) {
      update.approved_by = change.approvedBy;
    }
    if (change.previousVersion !== undefined) {
      update.previous_version = change.previousVersion;
    }
    if (change.startedAt !== undefined) {
      update.started_at = parseIsoTime('startedAt', change.startedAt);
    }
    if (toFinal) {
      // Freeing the key is what lets the next deployment of this channel in;
      // dropping the claim fences out whoever still drives it.
      update.active_key = null;
      update.claimed_by = null;
      update.claim_token = null;
      update.heartbeat_at = null;
      update.due_at = null;
      update.finished_at = change.finishedAt
        ? parseIsoTime('finishedAt', change.finishedAt)
        : new Date();
    } else if (change.finishedAt !== undefined) {
      update.finished_at = parseIsoTime('finishedAt', change.finishedAt);
    }

    // The move and its timeline event are one write: no status without its
    // event, no event for a move that did not happen.
    return this.knex.transaction(async trx => {
      const rows = trx<DeploymentsTableRow>('deployments')
        .where('id', id)
        .whereIn('status', change.from);
      if (change.claim !== undefined) {
        rows.where('claim_token', change.claim);
      }
      const moved = (await rows.update(update)) === 1;
      if (moved && change.event) {
        await trx<DeploymentEventsTableRow>('deployment_events').insert(
          eventRow(id, change.event),
        );
      }
      return moved;
    });
  }

  async approve(id: string, approver: string): Promise<boolean> {
    return this.transition(id, {
      from: ['awaiting_approval'],
      to: 'requested',
      approvedBy: approver,
    });
  }

  async claimNext(options: {
    workerId: string;
    leaseSeconds: number;
    exclude?: string[];
  }): Promise<StoredDeployment | undefined> {
    return claimNextDeployment(this.knex, options);
  }

  async heartbeat(id: string, claim: string): Promise<boolean> {
    const now = await databaseNow(this.knex);
    const renewed = await this.knex<DeploymentsTableRow>('deployments')
      .where({ id, claim_token: claim })
      .update({ heartbeat_at: now });
    return renewed === 1;
  }

  async release(
    id: string,
    claim: string,
    options: { dueInMs?: number; attempts?: number } = {},
  ): Promise<boolean> {
    const update: Partial<DeploymentsTableRow> = {
      claimed_by: null,
      claim_token: null,
      heartbeat_at: null,
    };
    if (options.dueInMs !== undefined) {
      const now = await databaseNow(this.knex);
      update.due_at = new Date(now.getTime() + options.dueInMs);
    }
    if (options.attempts !== undefined) {
      update.attempts = options.attempts;
    }
    const released = await this.knex<DeploymentsTableRow>('deployments')
      .where({ id, claim_token: claim })
      .update(update);
    return released === 1;
  }

  async wake(id: string): Promise<void> {
    await this.knex<DeploymentsTableRow>('deployments')
      .where('id', id)
      .whereNull('claim_token')
      .whereNotNull('due_at')
      .update({ due_at: null });
  }

  async appendEvent(
    deploymentId: string,
    event: NewDeploymentEvent,
    options: { claim?: string } = {},
  ): Promise<DeploymentEvent> {
    const row = eventRow(deploymentId, event);
    const inserted = await this.fenced(deploymentId, options.claim, trx =>
      trx<DeploymentEventsTableRow>('deployment_events')
        .insert(row)
        .returning('id'),
    );
    return toDeploymentEvent({ ...row, id: inserted[0].id });
  }

  /**
   * Runs a write, under a claim when one is given: the claim is checked, with
   * its row locked, in the same transaction, so a driver that lost its claim
   * writes nothing.
   */
  async publishRelease(
    service: string,
    request: PublishReleaseRequest,
    publishedBy: string,
  ): Promise<{ release: StoredRelease; created: boolean }> {
    return publishRelease(
      this.knex,
      service,
      request,
      publishedBy,
      isUniqueViolation,
    );
  }

  async getRelease(
    service: string,
    version: string,
  ): Promise<StoredRelease | undefined> {
    return getRelease(this.knex, service, version);
  }

  async listReleases(
    service: string,
    options?: { limit?: number; cursor?: string; after?: number },
  ): Promise<{ items: StoredRelease[]; nextCursor?: string }> {
    return listReleases(this.knex, service, options);
  }

  async pruneReleases(
    service: string,
    keep: number,
    inUse: string[],
  ): Promise<number> {
    return pruneReleases(this.knex, service, keep, inUse);
  }

  private async fenced<T>(
    deploymentId: string,
    claim: string | undefined,
    write: (trx: Knex) => Promise<T>,
  ): Promise<T> {
    if (claim === undefined) {
      return write(this.knex);
    }
    return this.knex.transaction(async trx => {
      const query = trx<DeploymentsTableRow>('deployments')
        .select('id')
        .where({ id: deploymentId, claim_token: claim });
      // SQLite has one writer at a time already; PostgreSQL locks the row
      // so that a takeover waits for this write to end.
      const held = await (this.knex.client.config.client === 'pg'
        ? query.forUpdate()
        : query
      ).first();
      if (!held) {
        throw new ClaimLostError(
          `deployment ${deploymentId} is no longer claimed by this driver`,
        );
      }
      return write(trx);
    });
  }

  async listEvents(
    deploymentId: string,
    options: { afterId?: number } = {},
  ): Promise<DeploymentEvent[]> {
    const rows = this.knex<DeploymentEventsTableRow>('deployment_events')
      .where('deployment_id', deploymentId)
      .orderBy('id');
    if (options.afterId !== undefined) {
      rows.where('id', '>', options.afterId);
    }
    return (await rows).map(toDeploymentEvent);
  }

  async addEvidence(
    deploymentId: string,
    evidence: FailureEvidence,
    options: { claim?: string } = {},
  ): Promise<void> {
    await this.fenced(deploymentId, options.claim, trx =>
      trx<DeploymentEvidenceTableRow>('deployment_evidence').insert({
        deployment_id: deploymentId,
        kind: evidence.kind,
        data: JSON.stringify(evidence),
        captured_at: new Date(evidence.capturedAt),
      }),
    );
  }

  async listEvidence(deploymentId: string): Promise<FailureEvidence[]> {
    const rows = await this.knex<DeploymentEvidenceTableRow>(
      'deployment_evidence',
    )
      .where('deployment_id', deploymentId)
      .orderBy('id');
    return rows.map(toFailureEvidence);
  }

  async listDeployments(
    query: ListDeploymentsQuery,
    options: { readable?: ReadableServices } = {},
  ): Promise<ListDeploymentsResponse> {
    return listDeployments(this.knex, query, options.readable);
  }

  async getDeploymentSpec(id: string): Promise<ServiceSpec | undefined> {
    const row = await this.knex<DeploymentsTableRow>('deployments')
      .select('spec')
      .where('id', id)
      .first();
    return row?.spec ? JSON.parse(row.spec) : undefined;
  }

  async getDeploymentSet(id: string): Promise<StoredSet | undefined> {
    // A set never changes once stored: the worker's polls and every open
    // Deploy tab read the same few, so they are decoded once.
    const cached = this.sets.get(id);
    if (cached) {
      return cached;
    }
    const row = await this.knex<DeploymentSetsTableRow>('deployment_sets')
      .where('deployment_id', id)
      .first();
    if (!row) {
      return undefined;
    }
    const set = { ...decodeSet(row.data), hash: row.hash };
    if (this.sets.size >= CACHED_SETS) {
      this.sets.delete(this.sets.keys().next().value!);
    }
    this.sets.set(id, set);
    return set;
  }

  async saveManifestSource(source: ManifestSnapshot): Promise<void> {
    await this.knex<ManifestSourcesTableRow>('manifest_sources')
      .insert({
        hash: source.hash,
        url: source.url,
        commit: source.commit ?? null,
        files: encodeSnapshotFiles(source.files),
        created_at: new Date(),
      })
      .onConflict('hash')
      .ignore();
  }

  async getManifestSource(hash: string): Promise<ManifestSnapshot | undefined> {
    const row = await this.knex<ManifestSourcesTableRow>('manifest_sources')
      .where('hash', hash)
      .first();
    return row
      ? {
          hash: row.hash,
          url: row.url,
          commit: row.commit ?? undefined,
          files: decodeSnapshotFiles(row.files),
        }
      : undefined;
  }

  async teamMetrics(query: TeamMetricsQuery): Promise<TeamMetricsResponse> {
    return readTeamMetrics(this.knex, query);
  }
}

function eventRow(
  deploymentId: string,
  event: NewDeploymentEvent,
): Omit<DeploymentEventsTableRow, 'id'> {
  return {
    deployment_id: deploymentId,
    type: event.type,
    message: event.message,
    data: event.data === undefined ? null : JSON.stringify(event.data),
    created_at: new Date(),
  };
}
