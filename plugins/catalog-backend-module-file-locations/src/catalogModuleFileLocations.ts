import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * Lets the catalog take `file` locations from its API, not only `url` ones,
 * so `deploy:publish:local` can register what it wrote to the backend's disk.
 * Install it only in a portal that uses that action (local use, demos): any
 * user allowed to add locations may then point the catalog at files the
 * backend can read. It does nothing unless `deploy.localPublish.directory`
 * is configured, so a production config without it keeps the catalog's default.
 *
 * @public
 */
export const catalogModuleFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'slipway-file-locations',
  register(env) {
    env.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        if (config.has('deploy.localPublish.directory')) {
          locations.setAllowedLocationTypes(['url', 'file']);
        }
      },
    });
  },
});
