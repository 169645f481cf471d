/** A Kubernetes LabelSelector, as workloads carry it in `spec.selector`. */
export interface LabelSelectorShape {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/**
 * A workload's selector in the query form list calls take, e.g.
 * `app=web,tier in (a,b),!legacy`; undefined when it selects nothing.
 */
export function selectorQuery(
  selector: LabelSelectorShape | undefined,
): string | undefined {
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).map(
      ([key, value]) => `${key}=${value}`,
    ),
    ...(selector?.matchExpressions ?? []).map(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return `${key} in (${(values ?? []).join(',')})`;
        case 'NotIn':
          return `${key} notin (${(values ?? []).join(',')})`;
        case 'Exists':
          return key;
        case 'DoesNotExist':
          return `!${key}`;
        default:
          throw new Error(`Unknown label selector operator ${operator}`);
      }
    }),
  ];
  return parts.length ? parts.join(',') : undefined;
}
