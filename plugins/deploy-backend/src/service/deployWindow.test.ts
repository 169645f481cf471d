import { insideWindow, untilWindowOpens } from './deployWindow';

const at = (iso: string) => new Date(iso);
// 2026-12-04 is a Friday (5).
const office = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
const overnight = { days: [5], start: '22:00', end: '02:00' };

describe('deploy windows', () => {
  it('opens from start (inclusive) to end (exclusive) on its days', () => {
    expect(insideWindow(office, at('2026-12-04T09:00:00Z'))).toBe(true);
    expect(insideWindow(office, at('2026-12-04T16:59:59Z'))).toBe(true);
    expect(insideWindow(office, at('2026-12-04T17:00:00Z'))).toBe(false);
    expect(insideWindow(office, at('2026-12-05T10:00:00Z'))).toBe(false);
  });

  it('runs an overnight window into the next day, keyed by the day it opens', () => {
    expect(insideWindow(overnight, at('2026-12-04T21:59:00Z'))).toBe(false);
    expect(insideWindow(overnight, at('2026-12-04T22:00:00Z'))).toBe(true);
    expect(insideWindow(overnight, at('2026-12-05T01:59:00Z'))).toBe(true);
    expect(insideWindow(overnight, at('2026-12-05T02:00:00Z'))).toBe(false);
    // Friday 01:00 belongs to Thursday's night, which is not in the window.
    expect(insideWindow(overnight, at('2026-12-04T01:00:00Z'))).toBe(false);
  });

  it('says how long until the window next opens', () => {
    expect(untilWindowOpens(office, at('2026-12-04T10:00:00Z'))).toBe(0);
    // Friday 17:00 -> Monday 09:00.
    expect(untilWindowOpens(office, at('2026-12-04T17:00:00Z'))).toBe(
      (2 * 24 + 16) * 3600_000,
    );
    expect(untilWindowOpens(overnight, at('2026-12-04T16:59:00Z'))).toBe(
      (5 * 60 + 1) * 60_000,
    );
    expect(
      untilWindowOpens({ days: [], start: '09:00', end: '10:00' }, new Date()),
    ).toBeUndefined();
  });
});
