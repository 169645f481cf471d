import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCheckServiceNameAction } from './actions/checkServiceName';
import { createCreateServiceAction } from './actions/createService';
import { createDeployServiceAction } from './actions/deployService';
import { createPublishLocalAction } from './actions/publishLocal';
import { createWriteManifestsAction } from './actions/writeManifests';
import { DeployBackendClient } from './client/DeployBackendClient';

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
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, discovery, auth, catalog }) {
        // Every call to the deploy backend acts for the user running the
        // template, so the deploy permission policy decides, not the scaffolder.
        const deployBackendFor = (credentials: BackstageCredentials) =>
          new DeployBackendClient(discovery, auth, credentials);
        scaffolder.addActions(
          createCheckServiceNameAction(),
          createCreateServiceAction({ catalog, deployBackendFor }),
          createDeployServiceAction({ deployBackendFor }),
          createWriteManifestsAction({ deployBackendFor }),
        );
        // Publishing to the backend's disk is for portals without a git host;
        // it exists only where a directory is configured for it.
        const directory = config.getOptionalString(
          'deploy.localPublish.directory',
        );
        if (directory) {
          scaffolder.addActions(
            createPublishLocalAction({ catalog, directory }),
          );
        }
      },
    });
  },
});
