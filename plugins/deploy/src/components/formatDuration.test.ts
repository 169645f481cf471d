import { deploymentDuration, formatDuration } from './formatDuration';

describe('formatDuration', () => {
  it('reads at a glance', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(7800)).toBe('2h 10m');
  });
});

describe('deploymentDuration', () => {
  it('runs from start to finish, and is unknown while running', () => {
    expect(
      deploymentDuration({
        createdAt: '2026-01-01T00:00:00Z',
        startedAt: '2026-01-01T00:00:10Z',
        finishedAt: '2026-01-01T00:01:10Z',
      }),
    ).toBe(60);
    expect(
      deploymentDuration({ createdAt: '2026-01-01T00:00:00Z' }),
    ).toBeUndefined();
  });
});
