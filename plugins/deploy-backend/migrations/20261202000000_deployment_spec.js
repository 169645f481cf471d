// @ts-check

/**
 * Each deployment keeps the spec it was requested with, so an approval
 * approves exactly that and a later change of the service never changes what
 * an approved or running deployment applies.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .text('spec')
      .nullable()
      .comment(
        'JSON of the ServiceSpec pinned at request time; null for rows older than this column',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('spec');
  });
};
