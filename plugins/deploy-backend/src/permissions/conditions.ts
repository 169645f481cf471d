import { createConditionExports } from '@backstage/plugin-permission-node';
import { deployTargetResourceRef } from './deployTargetResource';
import { deployTargetRules } from './rules';

const exported = createConditionExports({
  resourceRef: deployTargetResourceRef,
  rules: deployTargetRules,
});

/**
 * Conditions a permission policy can return for deploy targets, e.g.
 * `deployTargetConditions.isServiceOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const deployTargetConditions = exported.conditions;

/**
 * Wraps deploy target conditions into a policy decision.
 *
 * @public
 */
export const createDeployTargetConditionalDecision =
  exported.createConditionalDecision;
