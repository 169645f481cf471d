import { renderHook } from '@testing-library/react';
import { useRefreshWhileActive } from './useRefreshWhileActive';

describe('useRefreshWhileActive', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads again on an interval while a deployment runs, and stops when none does', () => {
    const refresh = jest.fn();
    const { rerender, unmount } = renderHook(
      ({ active }) => useRefreshWhileActive(active, refresh, 1000),
      { initialProps: { active: true } },
    );
    jest.advanceTimersByTime(3500);
    expect(refresh).toHaveBeenCalledTimes(3);

    rerender({ active: false });
    jest.advanceTimersByTime(5000);
    expect(refresh).toHaveBeenCalledTimes(3);

    rerender({ active: true });
    jest.advanceTimersByTime(1000);
    expect(refresh).toHaveBeenCalledTimes(4);

    unmount();
    jest.advanceTimersByTime(5000);
    expect(refresh).toHaveBeenCalledTimes(4);
  });

  it('does not read again while nothing runs', () => {
    const refresh = jest.fn();
    renderHook(() => useRefreshWhileActive(false, refresh, 1000));
    jest.advanceTimersByTime(10_000);
    expect(refresh).not.toHaveBeenCalled();
  });
});
