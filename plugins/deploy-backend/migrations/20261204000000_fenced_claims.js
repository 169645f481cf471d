// @ts-check

/**
 * Claims are fenced and waits hold no worker: each claim gets a token that
 * every write of its driver must still match; a deployment that waits is
 * released with the time it is due again; and transient errors are counted
 * on the row, so a deployment that keeps failing ends instead of retrying
 * forever.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('claim_token', 36)
      .nullable()
      .comment('Random per claim; a write by an older claim no longer matches');
    table
      .timestamp('due_at', { useTz: true })
      .nullable()
      .comment('A released deployment is not claimed again before this time');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Transient step failures in a row since the last status change');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('claim_token');
    table.dropColumn('due_at');
    table.dropColumn('attempts');
  });
};
