import https from 'node:https';
import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';

/** The kinds a deploy view reads (the Kubernetes plugin's default set and Slipway's). */
const READ_RESOURCES = new Set([
  'pods',
  'services',
  'configmaps',
  'limitranges',
  'resourcequotas',
  'deployments',
  'replicasets',
  'horizontalpodautoscalers',
  'jobs',
  'cronjobs',
  'ingresses',
  'statefulsets',
  'daemonsets',
  'events',
]);

/** A counter or gauge sample of the API server's own metrics. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The local cluster's API server as an administrator sees it: its metrics
 * (it counts every request itself) and a read-only account for the Backstage
 * Kubernetes plugin, which lists across namespaces.
 */
export class ApiServer {
  private constructor(private readonly admin: KubeConfig) {}

  static fromKubeconfig(path: string): ApiServer {
    const admin = new KubeConfig();
    admin.loadFromFile(path);
    return new ApiServer(admin);
  }

  get url(): string {
    return this.admin.getCurrentCluster()!.server;
  }

  get caData(): string | undefined {
    return this.admin.getCurrentCluster()!.caData;
  }

  async metrics(): Promise<Sample[]> {
    const options: https.RequestOptions = {};
    await this.admin.applyToHTTPSOptions(options);
    const text = await new Promise<string>((resolve, reject) => {
      https
        .get(`${this.url}/metrics`, options, res => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', chunk => (body += chunk));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      const match = /^(\w+)\{(.*)\} ([0-9.e+-]+)$/.exec(line);
      if (!match) continue;
      const labels: Record<string, string> = {};
      for (const pair of match[2].matchAll(/(\w+)="([^"]*)"/g)) {
        labels[pair[1]] = pair[2];
      }
      samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
    return samples;
  }

  /**
   * Reads of workload objects the API server has served so far (LIST, GET
   * and WATCH starts of the kinds a deploy view reads): what a page that
   * shows rollouts costs it. Writes, leases and node heartbeats are left out.
   */
  async readRequests(): Promise<number> {
    return (await this.metrics())
      .filter(
        s =>
          s.name === 'apiserver_request_total' &&
          ['LIST', 'GET', 'WATCH'].includes(s.labels.verb) &&
          READ_RESOURCES.has(s.labels.resource),
      )
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** Watches open right now, of every client. */
  async openWatches(): Promise<number> {
    return (await this.metrics())
      .filter(
        s =>
          s.name === 'apiserver_longrunning_requests' &&
          s.labels.verb === 'WATCH',
      )
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** A token of a service account that may read everything (the `view` role), for the Kubernetes plugin. */
  async readerToken(): Promise<string> {
    const core = this.admin.makeApiClient(CoreV1Api);
    const rbac = this.admin.makeApiClient(RbacAuthorizationV1Api);
    const namespace = 'default';
    const name = 'slipway-bench-reader';
    await core
      .createNamespacedServiceAccount({
        namespace,
        body: { metadata: { name } },
      })
      .catch(ignoreConflict);
    await rbac
      .createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'view',
          },
          subjects: [{ kind: 'ServiceAccount', name, namespace }],
        },
      })
      .catch(ignoreConflict);
    const token = await core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    return token.status!.token;
  }

  kubeConfig(): KubeConfig {
    return this.admin;
  }
}

function ignoreConflict(error: { code?: number }) {
  if (error.code !== 409) {
    throw error;
  }
}
