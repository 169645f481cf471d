import {
  DEPLOYMENT_STATUSES,
  DeploymentEvent,
  DeploymentResult,
  DeploymentStatus,
  FailureEvidence,
  Service,
  ServiceSpec,
} from '@slipway/plugin-deploy-common';
import { StoredDeployment } from './DeploymentStore';
import {
  DbTimestamp,
  DeploymentEventsTableRow,
  DeploymentEvidenceTableRow,
  DeploymentsTableRow,
  ServicesTableRow,
} from './tables';

/** A timestamp column as the ISO string the API speaks. */
export function timestampToIso(value: DbTimestamp): string {
  return new Date(value).toISOString();
}

/** A timestamp column as epoch milliseconds, for arithmetic. */
export function timestampToMillis(value: DbTimestamp): number {
  return new Date(value).getTime();
}

function optionalIso(value: DbTimestamp | null): string | undefined {
  return value === null ? undefined : timestampToIso(value);
}

function toDeploymentStatus(value: string): DeploymentStatus {
  const status = DEPLOYMENT_STATUSES.find(s => s === value);
  if (!status) {
    throw new Error(`Stored deployment has unknown status '${value}'`);
  }
  return status;
}

export function toService(row: ServicesTableRow): Service {
  const spec: ServiceSpec = JSON.parse(row.spec);
  return {
    name: row.name,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref,
    spec,
    createdAt: timestampToIso(row.created_at),
    updatedAt: timestampToIso(row.updated_at),
  };
}

export function toStoredDeployment(row: DeploymentsTableRow): StoredDeployment {
  const result: DeploymentResult | undefined =
    row.result === null ? undefined : JSON.parse(row.result);
  return {
    id: row.id,
    service: row.service_name,
    ownerRef: row.owner_ref,
    channel: row.channel,
    version: row.version,
    previousVersion: row.previous_version ?? undefined,
    status: toDeploymentStatus(row.status),
    step: row.step ?? undefined,
    attempts: row.attempts ?? 0,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by ?? undefined,
    overrideReason: row.override_reason ?? undefined,
    ...(row.automation && { automation: JSON.parse(row.automation) }),
    createdAt: timestampToIso(row.created_at),
    startedAt: optionalIso(row.started_at),
    finishedAt: optionalIso(row.finished_at),
    result,
  };
}

export function toDeploymentEvent(
  row: DeploymentEventsTableRow,
): DeploymentEvent {
  const data: Record<string, unknown> | undefined =
    row.data === null ? undefined : JSON.parse(row.data);
  return {
    id: Number(row.id),
    deploymentId: row.deployment_id,
    type: row.type,
    message: row.message,
    data,
    createdAt: timestampToIso(row.created_at),
  };
}

export function toFailureEvidence(
  row: DeploymentEvidenceTableRow,
): FailureEvidence {
  return JSON.parse(row.data);
}
