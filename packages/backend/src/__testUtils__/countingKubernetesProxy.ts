import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** One request the proxy passed on to the API server. */
export interface ProxiedRequest {
  method: string;
  path: string;
  watch: boolean;
}

/**
 * A plain-HTTP proxy on loopback in front of the local cluster's API server,
 * so a test can see every Kubernetes call Slipway makes (and prove that a
 * refused request made none). It forwards the caller's own credentials.
 */
export async function startCountingKubernetesProxy(kubeconfigPath: string) {
  const upstream = new KubeConfig();
  upstream.loadFromFile(kubeconfigPath);
  const cluster = upstream.getCurrentCluster()!;
  const target = new URL(cluster.server);
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined;
  const requests: ProxiedRequest[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      watch: url.searchParams.get('watch') === 'true',
    });
    const forwarded = https.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        ca,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // A watch answers with headers and then nothing for a while: send
        // them now, or the client waits for its watch to start.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    /** The API server's own address, which nothing Slipway says may contain. */
    apiServerAddress: target.host,
    url: `http://127.0.0.1:${port}`,
    token: upstream.getCurrentUser()!.token!,
    requests,
    /** Calls other than the long-running watches of the shared informers. */
    calls: () => requests.filter(r => !r.watch),
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
