import { Knex } from 'knex';
import { DeploymentsTableRow, ServicesTableRow } from '../tables';

/** Inserts a service row as registration would. */
export async function seedService(
  knex: Knex,
  name: string,
  ownerRef: string,
): Promise<void> {
  const now = new Date();
  await knex<ServicesTableRow>('services').insert({
    name,
    entity_ref: `component:default/${name}`,
    owner_ref: ownerRef,
    spec: JSON.stringify({ image: `registry.example/${name}`, port: 8080 }),
    created_at: now,
    updated_at: now,
  });
}

/**
 * Inserts a finished deployment with the times a test chooses, which the
 * store's own methods (stamping "now") cannot produce.
 */
export async function seedDeployment(
  knex: Knex,
  row: Pick<
    DeploymentsTableRow,
    'id' | 'service_name' | 'owner_ref' | 'channel' | 'status'
  > & {
    created_at: Date;
    started_at?: Date | null;
    finished_at?: Date | null;
    version?: string;
  },
): Promise<void> {
  await knex<DeploymentsTableRow>('deployments').insert({
    version: '1.0.0',
    requested_by: 'user:default/alice',
    started_at: null,
    finished_at: null,
    ...row,
    active_key: null,
  });
}
