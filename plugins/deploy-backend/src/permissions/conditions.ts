import { createConditionExports } from '@backstage/plugin-permission-node';
import { deployServiceResourceRef, deployTargetResourceRef } from './resources';
import { deployServiceRules, deployTargetRules } from './rules';

const target = createConditionExports({
  resourceRef: deployTargetResourceRef,
  rules: deployTargetRules,
});

const service = createConditionExports({
  resourceRef: deployServiceResourceRef,
  rules: deployServiceRules,
});

/**
 * Conditions a permission policy can return for deploy targets (a service in
 * a channel), e.g.
 * `deployTargetConditions.isServiceOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const deployTargetConditions = target.conditions;

/**
 * Wraps deploy target conditions into a policy decision.
 *
 * @public
 */
export const createDeployTargetConditionalDecision =
  target.createConditionalDecision;

/**
 * Conditions a permission policy can return for services (read, update), e.g.
 * `deployServiceConditions.isServiceOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const deployServiceConditions = service.conditions;

/**
 * Wraps service conditions into a policy decision.
 *
 * @public
 */
export const createDeployServiceConditionalDecision =
  service.createConditionalDecision;
