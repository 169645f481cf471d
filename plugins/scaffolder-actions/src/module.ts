import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCheckServiceNameAction } from './actions/checkServiceName';

/**
 * Registers Slipway's actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleDeploy = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'deploy',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createCheckServiceNameAction());
      },
    });
  },
});
