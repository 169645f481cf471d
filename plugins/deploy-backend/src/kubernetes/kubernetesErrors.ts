import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';

/** One call to a cluster's API, as error messages name it. */
export interface KubernetesCall {
  cluster: string;
  verb: string;
  /** The resource as RBAC names it, e.g. "deployments.apps", "pods/log". */
  resource: string;
  namespace: string;
  name?: string;
  /** The call's time limit, for the message when it ran out. */
  timeoutMs?: number;
}

/**
 * Whether Slipway gave up on a request for taking too long: its own time
 * limits are the only thing that aborts a request (an AbortSignal on API
 * calls, node-fetch's `timeout` on a watch's connection).
 */
function isTimeout(error: unknown): boolean {
  return (
    error instanceof AbortError ||
    (error instanceof FetchError && error.type === 'request-timeout')
  );
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

/**
 * A 403 from admission (a ResourceQuota, pod security, a webhook), not from
 * RBAC: the account may make the call, but the object is refused, and the
 * API server's reason is what to fix. RBAC's denial names the account
 * ('… is forbidden: User "…" cannot …') and stays in the log.
 */
function isAdmissionRefusal(detail: string): boolean {
  return (
    /is forbidden: (?!User ")/.test(detail) ||
    /^admission webhook "[^"]*" denied the request/.test(detail)
  );
}

function describeCall(call: KubernetesCall): string {
  const object = call.name ? ` ${call.name}` : '';
  return `${call.verb} ${call.resource}${object} in namespace "${call.namespace}"`;
}

/**
 * A cluster failed Slipway, not the caller: its account lacks a right, its
 * credentials were refused, it could not be reached, or it answered with an
 * error of its own. The message is safe to show anyone (cluster name, verb,
 * resource, namespace); `detail` holds what the API server or the network
 * said, which can name the account's identity or the server's address, and
 * belongs in the backend's log only.
 */
export class ClusterError extends Error {
  readonly name = 'ClusterError';
  /** Not enumerable: serialising the error (audit records, structured logs) leaves it out. */
  declare readonly detail: string;

  constructor(
    message: string,
    /** 502 when the cluster answered wrongly, 503 when it did not answer. */
    readonly status: 502 | 503,
    detail: string,
    /** The API server's status code, when it answered. */
    readonly statusCode?: number,
  ) {
    super(message);
    Object.defineProperty(this, 'detail', { value: detail, enumerable: false });
  }
}

/**
 * Turns a failed API call into an error that says what was tried. A denial
 * or a refused credential is the platform's problem (ClusterError, never
 * "you may not"); a missing object is a NotFoundError; an invalid object
 * (400, 409, 422) keeps the API server's explanation, which names fields,
 * not secrets.
 */
export function describeKubernetesError(
  error: unknown,
  call: KubernetesCall,
): Error {
  const code = statusCodeOf(error);
  const what = describeCall(call);
  const detail = serverMessage(error);
  if (isTimeout(error)) {
    const limit = call.timeoutMs ? ` after ${call.timeoutMs / 1000}s` : '';
    return new ClusterError(
      `Cluster "${call.cluster}" did not answer in time to ${what} (timed out${limit}): it is unreachable or overloaded; try again shortly`,
      503,
      detail,
    );
  }
  // client-node's discovery found no resource for the kind: the cluster
  // answered, and will answer the same until the kind is installed.
  if (
    code === undefined &&
    /Unrecogni[sz]ed API version and kind/i.test((error as Error)?.message)
  ) {
    return new ClusterError(
      `Could not ${what} of cluster "${call.cluster}": the cluster does not serve this apiVersion and kind; install its CustomResourceDefinition or fix the apiVersion`,
      502,
      detail,
      404,
    );
  }
  if (code === 403 && !isAdmissionRefusal(detail)) {
    return new ClusterError(
      `Slipway's account may not ${what} of cluster "${call.cluster}": the platform team must grant "${call.verb}" on "${call.resource}" in that namespace`,
      502,
      detail,
      code,
    );
  }
  if (code === 401) {
    return new ClusterError(
      `Cluster "${call.cluster}" did not accept Slipway's credentials to ${what}: the platform team must check its token or kubeconfig`,
      502,
      detail,
      code,
    );
  }
  if (code === 404) {
    return new NotFoundError(
      `Could not ${what} of cluster "${call.cluster}": not found`,
    );
  }
  if (code === undefined) {
    return new ClusterError(
      `Could not reach cluster "${call.cluster}" to ${what}`,
      503,
      detail,
    );
  }
  if (code >= 400 && code < 500) {
    return new ClusterError(
      `Could not ${what} of cluster "${call.cluster}": the API server refused it (${code}): ${detail}`,
      502,
      detail,
      code,
    );
  }
  return new ClusterError(
    `Could not ${what} of cluster "${call.cluster}": the API server answered ${code}`,
    502,
    detail,
    code,
  );
}
