/** The user the tests sign in as (app-config.e2e.yaml): in team-payments only. */
export const user = {
  ref: 'user:default/alice',
  teamTitle: 'Payments',
};

/** The services of entities.yaml, and what the set-up gives them. */
export const shop = {
  name: 'e2e-shop',
  entityPath: '/catalog/default/component/e2e-shop/deploy',
  team: 'group:default/team-payments',
  /** Deployed by the set-up to every channel, in order. */
  baseVersion: '1.0.0',
};

export const mailer = {
  name: 'e2e-mailer',
  entityPath: '/catalog/default/component/e2e-mailer/deploy',
  team: 'group:default/team-payments',
  /** Deployed by the set-up to dev, so a failed rollout has one to go back to. */
  baseVersion: '1.0.0',
};

/** Another team's service: registered, never deployed. */
export const ledger = {
  name: 'e2e-ledger',
  entityPath: '/catalog/default/component/e2e-ledger/deploy',
  team: 'group:default/team-growth',
};

/** A service deployed from its own manifests: a web Deployment, a queue StatefulSet, an agent DaemonSet. */
export const stack = {
  name: 'e2e-stack',
  entityPath: '/catalog/default/component/e2e-stack/deploy',
  team: 'group:default/team-payments',
  /** Deployed by the set-up to dev and staging. */
  baseVersion: '1.0.0',
  /** Deployed by the set-up to dev only, so staging has something to be promoted to. */
  nextVersion: '1.1.0',
  workloads: ['e2e-stack-web', 'e2e-stack-queue', 'e2e-stack-agent'],
};
