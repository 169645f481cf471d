/**
 * A sleep that can be cut short: the worker waits with it between polls and
 * between a deployment's steps, and whoever knows that waiting is pointless
 * (a deployment was just requested, the cluster just changed) wakes it.
 */
export class Wakeup {
  private readonly sleepers = new Set<() => void>();
  /** A wake that came while nobody slept: the next sleep ends at once. */
  private pending = false;

  /** Resolves after `ms`, on wake(), or when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0 || signal.aborted || this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.sleepers.delete(done);
        resolve();
      };
      timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.sleepers.add(done);
    });
  }

  /** Ends every sleep in progress now, or the next one when none is. */
  wake(): void {
    this.pending = this.sleepers.size === 0;
    for (const done of [...this.sleepers]) {
      done();
    }
  }
}
