/**
 * A manifests URL on a git host, moved to one commit: where a release says
 * which commit it was built from, its manifests are read from that commit,
 * not from whatever the branch holds when the deployment is requested.
 *
 * Understands the tree and blob URLs of GitHub (`/tree/<ref>/…`), GitLab
 * (`/-/tree/<ref>/…`), Gitea and Forgejo (`/src/branch/<ref>/…`) and
 * Bitbucket Server (`?at=<ref>`). Returns undefined for any other URL (a
 * local directory, an unknown host): the caller reads it as it is.
 *
 * A URL names its branch in one path segment here: a branch with a slash
 * (`feature/x`) cannot be told from the path after it, so such a URL would
 * be pinned wrongly — name manifests on the default branch, as is usual.
 */
export function pinToCommit(url: string, commit: string): string | undefined {
  if (!/^[0-9a-f]{7,64}$/.test(commit)) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return undefined;
  }
  if (parsed.searchParams.has('at')) {
    parsed.searchParams.set('at', commit);
    return parsed.toString();
  }
  const segments = parsed.pathname.split('/');
  const giteaBranch = segments.findIndex(
    (s, i) =>
      s === 'src' && ['branch', 'tag', 'commit'].includes(segments[i + 1]),
  );
  if (giteaBranch > 0) {
    segments.splice(giteaBranch + 1, 2, 'commit', commit);
    parsed.pathname = segments.join('/');
    return parsed.toString();
  }
  const tree = segments.findIndex(
    (s, i) => i >= 3 && (s === 'tree' || s === 'blob'),
  );
  if (tree > 0 && segments.length > tree + 1) {
    segments.splice(tree + 1, 1, commit);
    parsed.pathname = segments.join('/');
    return parsed.toString();
  }
  return undefined;
}
