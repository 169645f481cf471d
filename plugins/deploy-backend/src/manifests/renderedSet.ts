import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubernetesObject } from '@kubernetes/client-node';

/** A Kubernetes object as Slipway renders and stores it: plain JSON. */
export type SetObject = KubernetesObject & Record<string, any>;

/** Where a rendered set came from, recorded with the deployment. */
export interface SetSource {
  /** `generated` from the small spec; otherwise the layout of the manifests. */
  kind: 'generated' | 'plain' | 'kustomize' | 'helm';
  /** The manifests directory as read (a URL), for manifests sources. */
  url?: string;
  /** The commit (or content hash, for a local directory) that was read. */
  commit?: string;
  /** The stored snapshot of the source files, by content hash. */
  snapshot?: string;
  /** The renderer, e.g. `helm v3.22.0`; Slipway itself for plain and generated. */
  tool?: string;
  /** Set on a rollback's set: the deployment whose stored set it re-applies. */
  restoredFrom?: string;
}

/**
 * The exact objects a deployment applies in a channel: rendered, the version
 * injected, labelled and validated, in apply order. History, diffs and
 * rollbacks work on this and nothing else.
 */
export interface RenderedSet {
  objects: SetObject[];
  source: SetSource;
}

/** `group/Kind/namespace/name`, the identity of an object in a set. */
export function objectKey(object: KubernetesObject): string {
  const apiVersion = object.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}/${object.kind}/${object.metadata?.namespace ?? ''}/${
    object.metadata?.name
  }`;
}

/** `Kind name`, the way error messages and the timeline name an object. */
export function describeObject(object: KubernetesObject): string {
  return `${object.kind ?? 'object'} ${object.metadata?.name ?? '(unnamed)'}`;
}

/** JSON with object keys sorted, so equal sets encode to equal bytes. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/** A set as stored: gzipped canonical JSON, and the sha256 of that JSON. */
export function encodeSet(set: RenderedSet): { data: Buffer; hash: string } {
  const json = canonicalJson(set);
  return {
    data: gzipSync(json),
    hash: createHash('sha256').update(json).digest('hex'),
  };
}

export function decodeSet(data: Buffer | Uint8Array): RenderedSet {
  return JSON.parse(gunzipSync(data).toString('utf8'));
}
