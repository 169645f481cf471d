import { ApiException } from '@kubernetes/client-node';
import { NotAllowedError, NotFoundError } from '@backstage/errors';

/** One call to a cluster's API, as error messages name it. */
export interface KubernetesCall {
  cluster: string;
  verb: string;
  /** The resource as RBAC names it, e.g. "deployments.apps", "pods/log". */
  resource: string;
  namespace: string;
  name?: string;
}

/** The HTTP status of a failed API call, when the API server answered. */
export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) {
    return error.code;
  }
  // The watch behind informers reports HTTP failures this way.
  const statusCode = (error as { statusCode?: unknown } | undefined)
    ?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function serverMessage(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      const text = body;
      try {
        body = JSON.parse(text);
      } catch {
        return text || error.message;
      }
    }
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') {
      return message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function describeCall(call: KubernetesCall): string {
  const object = call.name ? ` ${call.name}` : '';
  return `${call.verb} ${call.resource}${object} in namespace "${call.namespace}"`;
}

/**
 * Turns a failed API call into an error that says what was tried and, for a
 * denial, what to grant; a denial becomes a NotAllowedError (403).
 */
export function describeKubernetesError(
  error: unknown,
  call: KubernetesCall,
): Error {
  const code = statusCodeOf(error);
  const what = describeCall(call);
  if (code === 403) {
    return new NotAllowedError(
      `Slipway's service account may not ${what} of cluster "${call.cluster}": grant "${call.verb}" on "${call.resource}" ` +
        `to it in that namespace (the API server said: ${serverMessage(
          error,
        )})`,
    );
  }
  if (code === 401) {
    return new NotAllowedError(
      `Cluster "${call.cluster}" did not accept Slipway's credentials to ${what}: check its token or kubeconfig`,
    );
  }
  if (code === 404) {
    return new NotFoundError(
      `Could not ${what} of cluster "${
        call.cluster
      }": not found (${serverMessage(error)})`,
    );
  }
  if (code === undefined) {
    return new Error(
      `Could not reach cluster "${call.cluster}" to ${what}: ${serverMessage(
        error,
      )}`,
    );
  }
  return new Error(
    `Could not ${what} of cluster "${
      call.cluster
    }": the API server answered ${code}: ${serverMessage(error)}`,
  );
}
