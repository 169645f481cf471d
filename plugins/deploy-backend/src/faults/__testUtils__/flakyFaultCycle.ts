import { setTimeout as sleep } from 'node:timers/promises';
import { Fault, FaultProxy } from '../../__testUtils__/faultProxy';

/** One stretch of a {@link FlakyFaultCycle}: a fault, held for a while. */
export interface FaultPhase {
  fault: Fault;
  ms: number;
}

/**
 * Switches a {@link FaultProxy} through its phases, over and over, until
 * stopped: a proxy holds one fault at a time, and a sick API server shows
 * them all, one after the other.
 */
export class FlakyFaultCycle {
  /** Phases begun, the first included. */
  phasesRun = 0;
  private readonly abort = new AbortController();
  private readonly running: Promise<void>;

  static start(proxy: FaultProxy, phases: FaultPhase[]): FlakyFaultCycle {
    return new FlakyFaultCycle(proxy, phases);
  }

  private constructor(
    private readonly proxy: FaultProxy,
    private readonly phases: FaultPhase[],
  ) {
    this.running = this.run();
  }

  /** Ends the cycle and passes everything through again. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.proxy.heal();
  }

  private async run() {
    const { signal } = this.abort;
    for (let i = 0; !signal.aborted; i = (i + 1) % this.phases.length) {
      const { fault, ms } = this.phases[i];
      await this.proxy.inject(fault);
      this.phasesRun += 1;
      // Cut short by stop().
      await sleep(ms, undefined, { signal }).catch(() => undefined);
    }
  }
}
