// @ts-check

/**
 * Releases: the versions CI built and published, per service, in the order
 * they were published (`seq`), which is the order channels take them in.
 * Deployments that a channel rule started say so, with the rule.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('releases', table => {
    table.comment('Versions of a service that CI published, oldest first');
    table
      .bigIncrements('seq')
      .primary()
      .comment('Publication order; later releases supersede earlier ones');
    table.string('service_name', 63).notNullable();
    table.string('version', 128).notNullable();
    table.string('digest', 100).nullable();
    table.string('commit', 64).nullable();
    table.string('commit_url', 1024).nullable();
    table.string('build_url', 1024).nullable();
    table.string('title', 256).nullable();
    table.string('published_by', 255).notNullable();
    table.timestamp('published_at', { useTz: true }).notNullable();
    table.unique(['service_name', 'version'], {
      indexName: 'releases_service_version_uniq',
    });
  });
  await knex.schema.alterTable('deployments', table => {
    table
      .text('automation')
      .nullable()
      .comment('JSON of DeploymentAutomation when a channel rule started it');
    table
      .string('automation_key', 400)
      .nullable()
      .unique({ indexName: 'deployments_automation_key_uniq' })
      .comment(
        '"service/channel/version" of a rule\'s deployment: a rule delivers a release to a channel once',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropUnique(['automation_key'], 'deployments_automation_key_uniq');
    table.dropColumn('automation_key');
    table.dropColumn('automation');
  });
  await knex.schema.dropTable('releases');
};
