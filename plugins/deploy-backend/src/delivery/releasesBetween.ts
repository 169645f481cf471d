import { Release, ReleaseChangesResponse } from '@slipway/plugin-deploy-common';
import { StoredRelease } from '../database/DeploymentStore';

/**
 * The releases published after the one `base` runs, up to and including the
 * one `head` runs, newest first: what promoting head to base would bring.
 * When base runs no release, everything up to head's; when head runs none,
 * or an older one than base, nothing.
 */
export function releasesBetween(
  base: { channel: string; version?: string },
  head: { channel: string; version?: string },
  releases: StoredRelease[],
): ReleaseChangesResponse {
  const seqOf = (version?: string) =>
    releases.find(r => r.version === version)?.seq;
  const headSeq = seqOf(head.version);
  const baseSeq = seqOf(base.version) ?? 0;
  const between: Release[] =
    headSeq === undefined
      ? []
      : releases
          .filter(r => r.seq > baseSeq && r.seq <= headSeq)
          .map(({ seq: _seq, ...release }) => release);
  return { base, head, releases: between };
}
