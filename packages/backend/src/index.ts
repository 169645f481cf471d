/*
 * The Slipway portal's backend: the catalog, the scaffolder with Slipway's
 * actions, Slipway's deploy engine, and what they need around them.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in for local use (see app-config.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// file locations from the catalog API, for the new-service template's
// deploy:publish:local (this portal has no git host)
backend.add(import('@slipway/plugin-catalog-backend-module-file-locations'));

// scaffolder, with Slipway's actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('@slipway/plugin-scaffolder-backend-module-deploy'));

// permissions, with the portal's own policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// search
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes: the Backstage plugin users already have, beside Slipway
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Slipway's deploy engine
backend.add(import('@slipway/plugin-deploy-backend'));

// events, so catalog and signals share updates between backend instances
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// MCP server for AI agents over the registered actions (backend.actions),
// Slipway's deploy:* among them: /api/mcp-actions/v1
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
