import { DeployWindow } from '@slipway/plugin-deploy-common';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Whether deployments may start at `now` (UTC). A window whose end is not
 * after its start runs overnight: 22:00–02:00 on Friday is Friday 22:00 to
 * Saturday 02:00, so its `days` name the day it opens.
 */
export function insideWindow(window: DeployWindow, now: Date): boolean {
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  const day = now.getUTCDay();
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start < end) {
    return window.days.includes(day) && minute >= start && minute < end;
  }
  const yesterday = (day + 6) % 7;
  return (
    (window.days.includes(day) && minute >= start) ||
    (window.days.includes(yesterday) && minute < end)
  );
}

/** Milliseconds until the window next opens (0 when it is open now); undefined when it never opens. */
export function untilWindowOpens(
  window: DeployWindow,
  now: Date,
): number | undefined {
  if (insideWindow(window, now)) {
    return 0;
  }
  const startOfMinute = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
  // The window opens at its start time on one of its days: try each of the
  // next eight days' openings.
  for (let days = 0; days <= 7; days++) {
    const opening = new Date(startOfMinute);
    opening.setUTCDate(opening.getUTCDate() + days);
    opening.setUTCHours(0, minutesOf(window.start), 0, 0);
    if (opening > now && window.days.includes(opening.getUTCDay())) {
      return opening.getTime() - now.getTime();
    }
  }
  return window.days.length === 0 ? undefined : 7 * DAY_MINUTES * MINUTE;
}

/** "22:00–02:00 UTC on days 1, 2 (0 = Sunday)", for messages. */
export function describeWindow(window: DeployWindow): string {
  const overnight = minutesOf(window.end) <= minutesOf(window.start);
  return `${window.start}–${window.end} UTC${
    overnight ? ' (overnight)' : ''
  } on days ${window.days.join(', ')} (0 = Sunday)`;
}
