import { Knex } from 'knex';

/**
 * The database's clock, so that leases and due times mean the same to every
 * replica however far their own clocks drift. SQLite runs inside this
 * process: its clock is this process's.
 */
export async function databaseNow(knex: Knex): Promise<Date> {
  if (knex.client.config.client === 'pg') {
    const result = await knex.raw('select now() as now');
    return new Date(result.rows[0].now);
  }
  return new Date();
}
