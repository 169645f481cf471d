import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * What the proxy does to the traffic, switchable at any time with
 * {@link FaultProxy.inject}.
 */
export type Fault =
  /** Pass everything through. */
  | { kind: 'none' }
  /** Answer a share of requests with a 5xx Status of its own (default 503). */
  | { kind: 'errors'; probability: number; status?: number }
  /** Reset the connection (TCP RST) of a share of requests. */
  | { kind: 'resets'; probability: number }
  /** Forward every request after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** Take every request and never answer it. */
  | { kind: 'hang' }
  /**
   * End every watch stream (open ones at once, new ones after `afterMs`);
   * with `gone`, answer the watch that resumes it 410 Gone, as an API server
   * does when that resourceVersion is too old (alternately as an HTTP 410
   * and as a 410 ERROR event in a 200 stream, the two ways servers say it).
   */
  | { kind: 'dropWatches'; afterMs: number; gone?: boolean }
  /** Close the listener: connections are refused, open ones are cut. */
  | { kind: 'down' }
  /** Accept connections and never answer; open exchanges fall silent too. */
  | { kind: 'blackHole' };

/** What the proxy did, per fault kind, for a test to print. */
export interface InjectedFaults {
  /** 5xx answers of its own. */
  errors: number;
  /** Connections reset. */
  resets: number;
  /** Requests delayed. */
  slowed: number;
  /** Requests never answered ('hang'). */
  hung: number;
  /** Watch streams ended. */
  watchesDropped: number;
  /** Resumed watches answered 410 Gone. */
  gone: number;
  /** Times the listener was closed ('down'). */
  outages: number;
  /** Connections accepted and never answered, or silenced ('blackHole'). */
  blackHoled: number;
}

/** One request the proxy received, for assertions on what a client asked. */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** The query parameters, e.g. labelSelector, allowWatchBookmarks. */
  query: URLSearchParams;
  watch: boolean;
  resourceVersion?: string;
}

interface Exchange {
  watch: boolean;
  res: http.ServerResponse;
  upstream?: http.ClientRequest;
}

/**
 * A TLS-terminating proxy in front of an API server, on 127.0.0.1 and a
 * random port, that injects faults on demand: the product's real HTTP stack
 * (TLS, node-fetch, client-node) meets them exactly as it would meet a sick
 * cluster. It serves its own self-signed certificate (made with `openssl`),
 * which {@link FaultProxy.kubeConfig} trusts, and forwards to the target with
 * the target's CA; the client's token passes through untouched.
 */
export class FaultProxy {
  readonly injected: InjectedFaults = {
    errors: 0,
    resets: 0,
    slowed: 0,
    hung: 0,
    watchesDropped: 0,
    gone: 0,
    outages: 0,
    blackHoled: 0,
  };
  readonly requests: ProxiedRequest[] = [];
  /**
   * BOOKMARK events the API server sent through the proxy, with the number
   * of requests received before each, to tell which watch resumed after it.
   */
  readonly bookmarks: Array<{
    path: string;
    resourceVersion: string;
    requestsBefore: number;
  }> = [];

  private fault: Fault = { kind: 'none' };
  private readonly sockets = new Set<net.Socket>();
  /** Raw TCP sockets by the client's port, to reset under TLS. */
  private readonly rawByPort = new Map<number, net.Socket>();
  private readonly exchanges = new Set<Exchange>();
  /** Watch paths whose stream was dropped, answered 410 on their resume. */
  private readonly goneOwed = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listener: net.Server;
  private readonly tls: https.Server;
  private readonly upstreamAgent: https.Agent;
  /** The proxy's own certificate (PEM), which its kubeconfig trusts. */
  private readonly cert: string;
  private port = 0;

  /** Starts a proxy to the current cluster of `target`. */
  static async start(target: KubeConfig): Promise<FaultProxy> {
    const cluster = target.getCurrentCluster();
    if (!cluster) {
      throw new Error('The target kubeconfig has no current cluster');
    }
    let ca: Buffer | undefined;
    if (cluster.caData) {
      ca = Buffer.from(cluster.caData, 'base64');
    } else if (cluster.caFile) {
      ca = readFileSync(cluster.caFile);
    }
    const proxy = new FaultProxy(target, new URL(cluster.server), ca);
    await proxy.listen();
    return proxy;
  }

  private constructor(
    private readonly target: KubeConfig,
    private readonly targetUrl: URL,
    targetCa: Buffer | undefined,
  ) {
    const { key, cert } = selfSignedCertificate();
    this.cert = cert;
    this.upstreamAgent = new https.Agent({ ca: targetCa, keepAlive: true });
    this.tls = https.createServer({ key, cert }, (req, res) =>
      this.onRequest(req, res),
    );
    this.tls.on('tlsClientError', () => undefined);
    this.listener = net.createServer(socket => this.onConnection(socket));
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /**
   * The target's kubeconfig, pointed at the proxy: same user and token, the
   * proxy's certificate as the cluster's CA.
   */
  kubeConfig(): KubeConfig {
    const user = this.target.getCurrentUser();
    const context = this.target.getContextObject(
      this.target.getCurrentContext(),
    );
    if (!user) {
      throw new Error('The target kubeconfig has no current user');
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'fault-proxy',
          server: this.url,
          caData: Buffer.from(this.cert).toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [user],
      contexts: [
        {
          name: 'fault-proxy',
          cluster: 'fault-proxy',
          user: user.name,
          namespace: context?.namespace,
        },
      ],
      currentContext: 'fault-proxy',
    });
    return kubeConfig;
  }

  /** Writes {@link FaultProxy.kubeConfig} to a file, for a backend's config. */
  writeKubeconfig(): string {
    const path = join(mkdtempSync(join(tmpdir(), 'fault-proxy-')), 'config');
    writeFileSync(path, this.kubeConfig().exportConfig());
    return path;
  }

  /** Client connections open now; a client that aborts a request closes its own. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Switches to `fault`; resolves once it is in force. */
  async inject(fault: Fault): Promise<void> {
    const was = this.fault;
    this.fault = fault;
    if (was.kind === 'down' && fault.kind !== 'down') {
      await this.listen();
    }
    if (fault.kind === 'down' && was.kind !== 'down') {
      this.injected.outages += 1;
      this.sockets.forEach(socket => socket.destroy());
      await new Promise(resolve => this.listener.close(resolve));
    }
    if (fault.kind === 'blackHole') {
      // Open exchanges fall silent: the upstream is cut, the client waits.
      for (const exchange of this.exchanges) {
        this.injected.blackHoled += 1;
        exchange.upstream?.destroy();
        exchange.upstream = undefined;
        this.exchanges.delete(exchange);
      }
    }
    if (fault.kind === 'dropWatches') {
      for (const exchange of this.exchanges) {
        if (exchange.watch) {
          this.dropWatch(exchange, fault.gone);
        }
      }
    }
  }

  /** Back to passing everything through. */
  heal(): Promise<void> {
    return this.inject({ kind: 'none' });
  }

  /** The injected counts, one line, for a test's output. */
  report(): string {
    return Object.entries(this.injected)
      .map(([kind, count]) => `${kind}=${count}`)
      .join(' ');
  }

  async close(): Promise<void> {
    this.timers.forEach(timer => clearTimeout(timer));
    this.sockets.forEach(socket => socket.destroy());
    this.upstreamAgent.destroy();
    if (this.listener.listening) {
      await new Promise(resolve => this.listener.close(resolve));
    }
  }

  private async listen() {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      // The same port after an outage, so clients find it again.
      this.listener.listen(this.port, '127.0.0.1', () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    this.port = (this.listener.address() as net.AddressInfo).port;
  }

  private onConnection(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.rawByPort.delete(socket.remotePort!);
    });
    if (this.fault.kind === 'blackHole') {
      // Accepted, never answered: not even the TLS handshake.
      this.injected.blackHoled += 1;
      return;
    }
    this.rawByPort.set(socket.remotePort!, socket);
    this.tls.emit('connection', socket);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.targetUrl);
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const resourceVersion = url.searchParams.get('resourceVersion') ?? '';
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      watch,
      ...(resourceVersion && { resourceVersion }),
    });
    const fault = this.fault;
    switch (fault.kind) {
      case 'hang':
        this.injected.hung += 1;
        return;
      case 'blackHole':
        this.injected.blackHoled += 1;
        return;
      case 'errors':
        if (Math.random() < fault.probability) {
          this.injected.errors += 1;
          this.answerStatus(res, fault.status ?? 503, 'injected failure');
          return;
        }
        break;
      case 'resets':
        if (Math.random() < fault.probability) {
          this.injected.resets += 1;
          this.reset(req);
          return;
        }
        break;
      case 'slow':
        this.injected.slowed += 1;
        this.later(fault.delayMs, () => this.forward(req, res, watch));
        return;
      case 'dropWatches':
        if (watch && resourceVersion && this.goneOwed.delete(url.pathname)) {
          this.answerGone(res, resourceVersion);
          return;
        }
        break;
      default:
        break;
    }
    this.forward(req, res, watch);
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    watch: boolean,
  ) {
    const exchange: Exchange = { watch, res };
    const upstream = https.request(
      {
        host: this.targetUrl.hostname,
        port: this.targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.targetUrl.host },
        agent: this.upstreamAgent,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // As the API server does: a watch's headers go out before any event.
        res.flushHeaders();
        answer.pipe(res);
        if (watch) {
          answer.on('data', chunk => this.noteBookmarks(req, String(chunk)));
        }
        const fault = this.fault;
        if (watch && fault.kind === 'dropWatches') {
          this.later(fault.afterMs, () => this.dropWatch(exchange, fault.gone));
        }
      },
    );
    exchange.upstream = upstream;
    this.exchanges.add(exchange);
    // Unless the proxy cut it on purpose (a drop, a black hole), a failed
    // upstream fails the client's exchange too.
    upstream.on('error', () => {
      if (this.exchanges.has(exchange)) {
        res.destroy();
      }
    });
    res.on('close', () => {
      this.exchanges.delete(exchange);
      exchange.upstream?.destroy();
    });
    req.pipe(upstream);
  }

  private noteBookmarks(req: http.IncomingMessage, text: string) {
    const path = new URL(req.url ?? '/', this.targetUrl).pathname;
    for (const line of text.split('\n')) {
      if (line.includes('"type":"BOOKMARK"')) {
        const version = /"resourceVersion":"([^"]*)"/.exec(line)?.[1];
        this.bookmarks.push({
          path,
          resourceVersion: version ?? '',
          requestsBefore: this.requests.length,
        });
      }
    }
  }

  private dropWatch(exchange: Exchange, gone = false) {
    if (!this.exchanges.has(exchange) || !exchange.res.headersSent) {
      return;
    }
    this.injected.watchesDropped += 1;
    this.exchanges.delete(exchange);
    exchange.upstream?.destroy();
    exchange.res.end();
    if (gone) {
      const path = new URL(exchange.res.req.url ?? '/', this.targetUrl)
        .pathname;
      this.goneOwed.add(path);
    }
  }

  private answerGone(res: http.ServerResponse, resourceVersion: string) {
    this.injected.gone += 1;
    const message = `too old resource version: ${resourceVersion} (injected)`;
    if (this.injected.gone % 2 === 1) {
      this.answerStatus(res, 410, message, 'Expired');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      `${JSON.stringify({
        type: 'ERROR',
        object: statusBody(410, message, 'Expired'),
      })}\n`,
    );
  }

  private answerStatus(
    res: http.ServerResponse,
    code: number,
    message: string,
    reason = 'ServiceUnavailable',
  ) {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(statusBody(code, message, reason)));
  }

  /** A TCP RST, as a crashed load balancer or a killed API server sends. */
  private reset(req: http.IncomingMessage) {
    const raw = this.rawByPort.get(req.socket.remotePort!);
    if (raw) {
      raw.resetAndDestroy();
    } else {
      req.socket.destroy();
    }
  }

  private later(ms: number, action: () => void) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}

function statusBody(code: number, message: string, reason: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

let certificate: { key: string; cert: string } | undefined;

/** A certificate for 127.0.0.1, made once per test process. */
function selfSignedCertificate(): { key: string; cert: string } {
  if (!certificate) {
    const dir = mkdtempSync(join(tmpdir(), 'fault-proxy-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=slipway-fault-proxy',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    certificate = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  }
  return certificate;
}
