import {
  ObjectChange,
  SetDiff,
  SetDiffSide,
} from '@slipway/plugin-deploy-common';
import { stringify } from 'yaml';
import {
  DEPLOYMENT_ID_ANNOTATION,
  VERSION_ANNOTATION,
} from '../kubernetes/serviceObjects/slipwayLabels';
import { isMigrationJob } from './kinds';
import { SetObject, objectKey } from './renderedSet';
import { SET_LABELS } from './stampSet';

const CONTEXT_LINES = 3;

/** Slipway's own marks, which change with every deployment and say nothing about the service. */
const OWN_LABELS = new Set<string>(Object.values(SET_LABELS));
const OWN_ANNOTATIONS = new Set([DEPLOYMENT_ID_ANNOTATION, VERSION_ANNOTATION]);
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

function withoutKeys(
  record: Record<string, string> | undefined,
  drop: Set<string>,
): Record<string, string> | undefined {
  if (!record) {
    return undefined;
  }
  const kept = Object.entries(record).filter(([key]) => !drop.has(key));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** An object as people compare it: no status, no server fields, no Slipway marks. */
function comparable(object: SetObject): Record<string, any> {
  const { status: _status, ...rest } = structuredClone(object);
  const metadata: Record<string, any> = { ...rest.metadata };
  // Each channel has its namespace: comparing channels compares the rest.
  delete metadata.namespace;
  for (const key of SERVER_METADATA) {
    delete metadata[key];
  }
  metadata.labels = withoutKeys(metadata.labels, OWN_LABELS);
  metadata.annotations = withoutKeys(metadata.annotations, OWN_ANNOTATIONS);
  const template =
    rest.kind === 'CronJob'
      ? rest.spec?.jobTemplate?.spec?.template
      : rest.spec?.template;
  if (template?.metadata) {
    template.metadata.labels = withoutKeys(
      template.metadata.labels,
      OWN_LABELS,
    );
    template.metadata.annotations = withoutKeys(
      template.metadata.annotations,
      OWN_ANNOTATIONS,
    );
  }
  return JSON.parse(JSON.stringify({ ...rest, metadata }));
}

function toLines(object: SetObject | undefined): string[] {
  return object
    ? stringify(comparable(object), { sortMapEntries: true })
        .trimEnd()
        .split('\n')
    : [];
}

/** Unified-diff lines between two texts (longest common subsequence; sets are small). */
export function diffLines(base: string[], head: string[]): string {
  const n = base.length;
  const m = head.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () =>
    new Array<number>(m + 1).fill(0),
  );
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] =
        base[i] === head[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && base[i] === head[j]) {
      lines.push(` ${base[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      lines.push(`-${base[i]}`);
      i++;
    } else {
      lines.push(`+${head[j]}`);
      j++;
    }
  }
  // Keep a few lines of context around each change.
  const near = lines.map((_line, k) =>
    lines
      .slice(Math.max(0, k - CONTEXT_LINES), k + CONTEXT_LINES + 1)
      .some(l => !l.startsWith(' ')),
  );
  const out: string[] = [];
  lines.forEach((line, k) => {
    if (near[k]) {
      if (k > 0 && !near[k - 1] && out.length) {
        out.push('@@');
      }
      out.push(line);
    }
  });
  return out.join('\n');
}

/**
 * What changes from one set to another, object by object. Migration Jobs are
 * left out (each deployment runs its own, under its own name) and listed.
 */
export function diffSets(
  base: { side: SetDiffSide; objects: SetObject[] } | undefined,
  head: { side: SetDiffSide; objects: SetObject[] },
): SetDiff {
  const keyed = (objects: SetObject[]) =>
    new Map(
      objects
        .filter(o => !isMigrationJob(o))
        .map(o => [
          objectKey({ ...o, metadata: { ...o.metadata, namespace: '' } }),
          o,
        ]),
    );
  const before = keyed(base?.objects ?? []);
  const after = keyed(head.objects);
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    const object = (b ?? a)!;
    const diff = diffLines(toLines(a), toLines(b));
    if (!diff) {
      unchanged++;
      continue;
    }
    changes.push({
      kind: object.kind!,
      name: object.metadata!.name!,
      change: (!a && 'added') || (!b && 'removed') || 'changed',
      diff,
    });
  }
  return {
    base: base?.side,
    head: head.side,
    changes,
    unchanged,
    migrations: head.objects.filter(isMigrationJob).map(o => o.metadata!.name!),
  };
}
