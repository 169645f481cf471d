// @ts-check

/**
 * Each deployment keeps the exact set of objects it applied (rendered, the
 * version injected, labelled), so history, diffs and rollbacks never
 * re-render; and the manifest source it was rendered from, once per content,
 * so a promotion renders the next channel from the same files.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('deployment_sets', table => {
    table.comment('The rendered set each deployment applied');
    table
      .string('deployment_id', 36)
      .primary()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table
      .binary('data')
      .notNullable()
      .comment('gzip of the canonical JSON of the RenderedSet');
    table
      .string('hash', 64)
      .notNullable()
      .comment('sha256 of the canonical JSON');
    table
      .string('source_kind', 16)
      .notNullable()
      .comment('generated, plain, kustomize or helm');
  });
  await knex.schema.createTable('manifest_sources', table => {
    table.comment('Manifest directories as read, by content hash');
    table.string('hash', 64).primary().comment('sha256 of the files');
    table.text('url').notNullable().comment('Where the directory was read');
    table
      .string('commit', 255)
      .nullable()
      .comment('The commit (etag) the read returned');
    table
      .binary('files')
      .notNullable()
      .comment('gzip of the JSON list of {path, content (base64)}');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('manifest_sources');
  await knex.schema.dropTable('deployment_sets');
};
