// @ts-check

/**
 * Services, deployments (the append-only history), their events and the
 * failure evidence captured when a rollout fails.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('services', table => {
    table.comment('Services Slipway deploys, each tied to a catalog entity');
    table.string('name', 63).primary().comment('DNS label, unique');
    table.string('entity_ref', 255).notNullable().unique();
    table
      .string('owner_ref', 255)
      .notNullable()
      .comment('Owning group, kept in step with the catalog');
    table
      .text('spec')
      .notNullable()
      .comment('JSON: image, port, per-channel replicas and env, migration');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['owner_ref'], 'services_owner_ref_idx');
  });

  await knex.schema.createTable('deployments', table => {
    table.comment('Every deployment ever requested; rows are never deleted');
    table.string('id', 36).primary();
    table
      .string('service_name', 63)
      .notNullable()
      .references('name')
      .inTable('services')
      .onDelete('RESTRICT');
    table
      .string('owner_ref', 255)
      .notNullable()
      .comment('Copied from the service for team queries');
    table.string('channel', 63).notNullable();
    table.string('version', 255).notNullable();
    table.string('previous_version', 255).nullable();
    table.string('status', 32).notNullable();
    table
      .string('step', 64)
      .nullable()
      .comment('Where the worker is within the status');
    table
      .string('active_key', 130)
      .nullable()
      .unique()
      .comment(
        'service/channel while active, null once final: one active deployment per pair',
      );
    table.string('requested_by', 255).notNullable();
    table.string('approved_by', 255).nullable();
    table.text('override_reason').nullable();
    table
      .text('result')
      .nullable()
      .comment('JSON: migration and rollout results');
    table.string('claimed_by', 255).nullable();
    table.timestamp('heartbeat_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(
      ['service_name', 'created_at', 'id'],
      'deployments_service_idx',
    );
    table.index(['owner_ref', 'created_at', 'id'], 'deployments_owner_idx');
    table.index(['channel', 'created_at', 'id'], 'deployments_channel_idx');
    table.index(['status', 'created_at', 'id'], 'deployments_status_idx');
    table.index(['created_at', 'id'], 'deployments_created_idx');
  });

  await knex.schema.createTable('deployment_events', table => {
    table.comment(
      'Every step of every deployment, append-only, read with a cursor',
    );
    table.bigIncrements('id').primary();
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('type', 64).notNullable();
    table.text('message').notNullable();
    table.text('data').nullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['deployment_id', 'id'], 'deployment_events_deployment_idx');
  });

  await knex.schema.createTable('deployment_evidence', table => {
    table.comment(
      'What a failing rollout looked like when it failed: pods, exit codes, logs, events',
    );
    table.bigIncrements('id').primary();
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('kind', 32).notNullable().comment('migration or rollout');
    table.text('data').notNullable().comment('JSON');
    table.timestamp('captured_at', { useTz: true }).notNullable();
    table.index(['deployment_id'], 'deployment_evidence_deployment_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('deployment_evidence');
  await knex.schema.dropTable('deployment_events');
  await knex.schema.dropTable('deployments');
  await knex.schema.dropTable('services');
};
