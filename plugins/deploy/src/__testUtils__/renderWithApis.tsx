import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { DeployApi, deployApiRef } from '../api';
import { mockDeployApi } from './mockDeployApi';

type ApiPair = readonly [unknown, unknown];

/**
 * Renders inside a test app with a mocked DeployApi and a permission API that
 * allows exactly the named permissions (all of them by default).
 */
export async function renderWithApis(
  element: ReactNode,
  options: {
    deployApi?: DeployApi;
    /** Permission names to allow, or a decision per request; default all. */
    allow?: string[] | ((request: EvaluatePermissionRequest) => boolean);
    apis?: ApiPair[];
  } = {},
) {
  const deployApi = options.deployApi ?? mockDeployApi();
  const { allow } = options;
  const isAllowed = (request: EvaluatePermissionRequest) => {
    if (!allow) return true;
    if (typeof allow === 'function') return allow(request);
    return allow.includes(request.permission.name);
  };
  const permissionApi = mockApis.permission({
    authorize: request =>
      isAllowed(request) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  });
  const apis = [
    [deployApiRef, deployApi],
    [permissionApiRef, permissionApi],
    ...(options.apis ?? []),
  ] as any;
  return renderInTestApp(
    // usePermission caches answers in SWR's global cache; a fresh cache per
    // render keeps one test's permissions out of the next.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider apis={apis}>{element}</TestApiProvider>
    </SWRConfig>,
  );
}
