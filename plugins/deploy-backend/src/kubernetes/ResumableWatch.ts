import { KubeConfig, Watch } from '@kubernetes/client-node';

/** How a {@link ResumableWatch} bounds its requests. */
export interface ResumableWatchOptions {
  /** How long to wait for the API server to answer a watch request. */
  connectTimeoutMs: number;
  /**
   * The API server ends each watch after this long (`timeoutSeconds`), and
   * the informer watches again from where it was; a watch silent for longer
   * than this plus `connectTimeoutMs` has lost its server and is aborted.
   */
  timeoutSeconds: number;
}

/**
 * client-node's Watch, made to resume cheaply and never hang:
 *
 * - it asks for bookmarks, so the informer's resourceVersion stays recent
 *   and a watch that ends resumes from it instead of listing again (a
 *   version too old still gets 410 Gone, and the informer lists afresh);
 * - the server ends every watch after `timeoutSeconds`;
 * - a watch request unanswered after `connectTimeoutMs`, or a stream silent
 *   for longer than the server would keep it open, is aborted and reported
 *   as a timeout, so the informer's owner can start again.
 *
 * {@link ResumableWatch.close} aborts the open watch and refuses new ones: an
 * informer stopped while it lists would otherwise watch after its stop.
 */
export class ResumableWatch extends Watch {
  private readonly open = new Set<AbortController>();
  private closed = false;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: ResumableWatchOptions,
  ) {
    super(withConnectTimeout(kubeConfig, options.connectTimeoutMs));
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    if (this.closed) {
      const refused = new AbortController();
      refused.abort();
      return refused;
    }
    const silenceLimitMs =
      this.options.timeoutSeconds * 1000 + this.options.connectTimeoutMs;
    // Set once connected; the callbacks below may run before that.
    let controller: AbortController | undefined = undefined;
    let silence: NodeJS.Timeout | undefined;
    let ended = false;
    const expectAnswer = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller?.abort(), silenceLimitMs);
      silence.unref();
    };
    controller = await super.watch(
      path,
      {
        ...queryParams,
        allowWatchBookmarks: true,
        timeoutSeconds: this.options.timeoutSeconds,
      },
      (phase, object, watchObject) => {
        expectAnswer();
        callback(phase, object, watchObject);
      },
      error => {
        ended = true;
        clearTimeout(silence);
        if (controller) {
          this.open.delete(controller);
        }
        done(error);
      },
    );
    if (this.closed) {
      // Closed while this watch was connecting.
      controller.abort();
    } else if (!ended) {
      this.open.add(controller);
      expectAnswer();
    }
    return controller;
  }

  close(): void {
    this.closed = true;
    this.open.forEach(controller => controller.abort());
    this.open.clear();
  }
}

/**
 * The kubeconfig, except that the fetch options it gives a watch carry
 * node-fetch's `timeout`: the time allowed until the answer's headers (the
 * stream after them is not limited). Watch replaces any signal it is given,
 * so this is how a watch request gets a time limit. Everything else is
 * delegated to the kubeconfig itself.
 */
function withConnectTimeout(kubeConfig: KubeConfig, ms: number): KubeConfig {
  const timed = Object.create(kubeConfig) as KubeConfig;
  timed.applyToFetchOptions = async options => ({
    ...(await kubeConfig.applyToFetchOptions(options)),
    timeout: ms,
  });
  return timed;
}
