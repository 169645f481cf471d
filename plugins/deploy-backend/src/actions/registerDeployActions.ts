import { AuditorService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { DeploymentStore } from '../database/DeploymentStore';
import { RolloutWatcher } from '../kubernetes/RolloutWatcher';
import { DeployAuthorizer } from '../permissions/DeployAuthorizer';
import { DeployService } from '../service/DeployService';
import { registerApproveAction } from './approveAction';
import { registerDeployAction } from './deployAction';
import { registerHistoryAction } from './historyAction';
import { registerPromoteAction } from './promoteAction';
import { registerPublishReleaseAction } from './publishReleaseAction';
import { registerStatusAction } from './statusAction';

/** What Slipway's actions need: the same parts the REST routes use. */
export interface DeployActionsOptions {
  deployService: DeployService;
  store: DeploymentStore;
  watcher: RolloutWatcher;
  authorizer: DeployAuthorizer;
  auditor: AuditorService;
}

/**
 * Registers Slipway's operations in Backstage's actions registry, as
 * `deploy:<name>`: what CI (the actions CLI, plain HTTP) and AI agents (the
 * MCP actions backend) call. Each action is authorised with the caller's
 * credentials and audited exactly as its REST route is.
 */
export function registerDeployActions(
  registry: ActionsRegistryService,
  options: DeployActionsOptions,
): void {
  registerPublishReleaseAction(registry, options);
  registerDeployAction(registry, options);
  registerPromoteAction(registry, options);
  registerApproveAction(registry, options);
  registerStatusAction(registry, options);
  registerHistoryAction(registry, options);
}
