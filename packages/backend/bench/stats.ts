/** One line of the bench table: a figure, what was measured, and its target. */
export interface BenchRow {
  figure: number;
  measure: string;
  value: string;
  target: string;
  /** undefined where the row has no target of its own. */
  met?: boolean;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

export const ms = (value: number) => `${Math.round(value)} ms`;

/**
 * Digits that make this run's versions its own: the cluster may keep a
 * Deployment from an earlier run at the same version.
 */
export const RUN = Math.floor(Date.now() / 1000) % 1_000_000;
