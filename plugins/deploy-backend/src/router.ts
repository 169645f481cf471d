import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';

export async function createRouter(options: {
  knex: Knex;
}): Promise<express.Router> {
  const { knex } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  // Reports whether the plugin can reach its database; for probes and set-up scripts.
  router.get('/health', async (_req, res) => {
    await knex.raw('select 1');
    res.json({ status: 'ok' });
  });

  return router;
}
