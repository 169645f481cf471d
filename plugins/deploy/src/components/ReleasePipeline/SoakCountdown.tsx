import { useEffect, useState } from 'react';
import { formatDuration } from '../formatDuration';

/** Seconds from now until an ISO time, never below 0. */
function secondsUntil(time: string): number {
  return Math.max(0, Math.ceil((Date.parse(time) - Date.now()) / 1000));
}

/**
 * The time left until a soak ends, ticking each second; the stage itself
 * changes when the backend signals the soak's end.
 */
export function SoakCountdown(props: { endsAt: string }) {
  const { endsAt } = props;
  const [left, setLeft] = useState(() => secondsUntil(endsAt));
  useEffect(() => {
    setLeft(secondsUntil(endsAt));
    const timer = setInterval(() => setLeft(secondsUntil(endsAt)), 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  return <>{left > 0 ? `${formatDuration(left)} left` : 'ends now'}</>;
}
