/** "45s", "3m 05s", "2h 10m" — short enough for a table cell. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  }
  return `${Math.floor(s / 3600)}h ${String(
    Math.floor((s % 3600) / 60),
  ).padStart(2, '0')}m`;
}

/** How long a deployment ran, or undefined while it has not finished. */
export function deploymentDuration(deployment: {
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}): number | undefined {
  if (!deployment.finishedAt) {
    return undefined;
  }
  const start = Date.parse(deployment.startedAt ?? deployment.createdAt);
  return (Date.parse(deployment.finishedAt) - start) / 1000;
}
