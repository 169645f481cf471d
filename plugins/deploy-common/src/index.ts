/**
 * Shared types, permissions and the pure rules that judge rollouts and
 * migration jobs, used by Slipway's backend and frontend.
 *
 * @packageDocumentation
 */

export * from './api';
export * from './deploymentStatuses';
export * from './signals';
export * from './permissions';
export * from './rollout';
export * from './names';
