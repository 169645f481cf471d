import { Wakeup } from './Wakeup';

describe('Wakeup', () => {
  it('ends every sleep in progress on wake, long before its time', async () => {
    const wakeup = new Wakeup();
    const signal = new AbortController().signal;
    const started = Date.now();
    const sleeps = [wakeup.sleep(60_000, signal), wakeup.sleep(60_000, signal)];
    wakeup.wake();
    await Promise.all(sleeps);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('sleeps its time when nobody wakes it, and ends on abort', async () => {
    const wakeup = new Wakeup();
    const abort = new AbortController();
    const started = Date.now();
    await wakeup.sleep(50, abort.signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);

    const long = wakeup.sleep(60_000, abort.signal);
    abort.abort();
    await long;
  });

  it('remembers a wake that came while nobody slept', async () => {
    const wakeup = new Wakeup();
    const signal = new AbortController().signal;
    wakeup.wake();
    const started = Date.now();
    await wakeup.sleep(60_000, signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
