import { useEffect } from 'react';

/**
 * How often the Deploy tab reads again while a deployment runs. Signals make
 * the tab live; this is the safety net for the one they miss: the signals
 * client reconnects a dropped socket after a few seconds and does not replay
 * what was published meanwhile, so without it a card could stay at "Rolling
 * out" after the rollout ended (seen by the adoption test).
 */
export const ACTIVE_REFRESH_MS = 15_000;

/** Calls `refresh` every `intervalMs` while `active`, and never otherwise. */
export function useRefreshWhileActive(
  active: boolean,
  refresh: () => void,
  intervalMs: number = ACTIVE_REFRESH_MS,
) {
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(refresh, intervalMs);
    return () => clearInterval(timer);
  }, [active, refresh, intervalMs]);
}
