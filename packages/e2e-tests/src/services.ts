/** The services of entities.yaml, and what the set-up gives them. */
export const shop = {
  name: 'e2e-shop',
  entityPath: '/catalog/default/component/e2e-shop/deploy',
  team: 'group:default/team-payments',
  teamTitle: 'Payments',
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
