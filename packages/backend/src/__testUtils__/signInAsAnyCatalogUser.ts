import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** The header naming the catalog user a test signs in as. */
export const TEST_USER_HEADER = 'x-slipway-test-user';

/**
 * A sign-in provider for tests only (`/api/auth/slipway-test/refresh`): it
 * signs in as the catalog user the request names, through the real auth
 * backend, which issues a real Backstage token carrying the user's groups
 * from the catalog — what any sign-in resolver that looks users up does.
 */
export const authModuleSignInAsAnyCatalogUser = createBackendModule({
  pluginId: 'auth',
  moduleId: 'slipway-test-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'slipway-test',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const name = req.header(TEST_USER_HEADER);
                if (!name) {
                  throw new AuthenticationError(`no ${TEST_USER_HEADER}`);
                }
                return { result: { name } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'user',
                  namespace: 'default',
                  name: result.name,
                },
              }),
          }),
        });
      },
    });
  },
});
