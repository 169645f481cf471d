import {
  DeploymentDetails,
  FINAL_DEPLOYMENT_STATUSES,
} from '@slipway/plugin-deploy-common';

/**
 * Events that mark a step of a deployment's life: each happens at most once,
 * so a second one means a step ran twice (after a crash, or on two replicas).
 */
export const STEP_EVENT_TYPES = [
  'requested',
  'started',
  'migration-started',
  'migration-succeeded',
  'rollout-started',
  'rollout-failed',
  'soak-started',
  'rollback-started',
  ...FINAL_DEPLOYMENT_STATUSES,
];

/**
 * What is wrong with a finished deployment's history, one line per problem:
 * a step event twice, not exactly one final event (matching the status), or
 * a timeline that does not start with its request.
 */
export function timelineFindings(details: DeploymentDetails): string[] {
  const { deployment, events } = details;
  const types = events.map(e => e.type);
  const findings: string[] = [];
  for (const type of STEP_EVENT_TYPES) {
    const count = types.filter(t => t === type).length;
    if (count > 1) {
      findings.push(`${deployment.id}: ${count} '${type}' events`);
    }
  }
  const finals = types.filter(t =>
    (FINAL_DEPLOYMENT_STATUSES as readonly string[]).includes(t),
  );
  if (finals.length !== 1 || finals[0] !== deployment.status) {
    findings.push(
      `${deployment.id} is ${deployment.status} with final events [${finals}]`,
    );
  }
  if (types[0] !== 'requested') {
    findings.push(
      `${deployment.id}: the timeline starts with '${types[0]}', not 'requested' (${types})`,
    );
  }
  return findings;
}
