import { mockCredentials } from '@backstage/backend-test-utils';
import { DeploymentDetails } from '@slipway/plugin-deploy-common';
import request from 'supertest';

/** The user every fault test acts as; the children allow everything. */
const alice = mockCredentials.user.header('user:default/alice');

/** Thrown when the backend could not be reached or died mid-request. */
export class BackendUnreachableError extends Error {}

/**
 * One call to the deploy API of a child backend. HTTP statuses are returned;
 * a refused, reset or timed-out connection throws BackendUnreachableError.
 */
export async function callDeployApi(
  origin: string,
  method: 'get' | 'post',
  path: string,
  body?: object,
): Promise<{ status: number; body: any }> {
  try {
    const call = request(origin)
      [method](`/api/deploy${path}`)
      .set('Authorization', alice)
      .timeout(30_000);
    const response = await (body ? call.send(body) : call);
    return { status: response.status, body: response.body };
  } catch (error) {
    throw new BackendUnreachableError(
      `${method.toUpperCase()} ${path} on ${origin}: ${error}`,
    );
  }
}

/** Registers a dev service whose pods the simulator drives by version. */
export async function registerService(
  origin: string,
  name: string,
  withMigration: boolean,
): Promise<void> {
  const response = await callDeployApi(origin, 'post', '/services', {
    name,
    entityRef: `component:default/${name}`,
    spec: {
      image: `registry.local/shop/${name}`,
      port: 8080,
      channels: { dev: { replicas: 1 } },
      ...(withMigration && {
        migration: {
          command: ['./migrate', 'up'],
          timeoutSeconds: 120,
          retries: 0,
        },
      }),
    },
  });
  if (response.status !== 201) {
    throw new Error(
      `Registering ${name} answered ${response.status}: ${JSON.stringify(
        response.body,
      )}`,
    );
  }
}

/** A deployment with its timeline and evidence. */
export async function readDeployment(
  origin: string,
  id: string,
): Promise<DeploymentDetails> {
  const response = await callDeployApi(origin, 'get', `/deployments/${id}`);
  if (response.status !== 200) {
    throw new Error(
      `GET /deployments/${id} answered ${response.status}: ${JSON.stringify(
        response.body,
      )}`,
    );
  }
  return response.body;
}
