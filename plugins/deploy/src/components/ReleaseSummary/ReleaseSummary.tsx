import { Link } from '@backstage/core-components';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Release } from '@slipway/plugin-deploy-common';
import { Fragment, ReactNode } from 'react';

/** "abc1234" from a full commit hash; anything shorter stays as it is. */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{12,}$/i.test(commit) ? commit.slice(0, 7) : commit;
}

/** A user as their catalog name; CI's "service:<subject>" as the subject. */
function Publisher(props: { publishedBy: string }) {
  const { publishedBy } = props;
  if (publishedBy.startsWith('service:')) {
    return <>{publishedBy.slice('service:'.length)}</>;
  }
  return (
    <EntityDisplayName entityRef={publishedBy} defaultKind="user" hideIcon />
  );
}

/**
 * A release as people recognise it: version and title, then its commit and
 * build (linked where CI gave links), who published it and when.
 */
export function ReleaseSummary(props: { release: Release }) {
  const { release } = props;
  const facts: Array<{ key: string; node: ReactNode }> = [];
  if (release.commit) {
    const text = shortCommit(release.commit);
    facts.push({
      key: 'commit',
      node: release.commitUrl ? (
        <Link to={release.commitUrl} aria-label={`Commit ${text}`}>
          {text}
        </Link>
      ) : (
        text
      ),
    });
  }
  if (release.buildUrl) {
    facts.push({
      key: 'build',
      node: (
        <Link to={release.buildUrl} aria-label={`Build of ${release.version}`}>
          build
        </Link>
      ),
    });
  }
  facts.push({
    key: 'published',
    node: (
      <>
        published by <Publisher publishedBy={release.publishedBy} />,{' '}
        {new Date(release.publishedAt).toLocaleString()}
      </>
    ),
  });

  return (
    <Box>
      <Typography variant="subtitle2" component="div">
        {release.version}
      </Typography>
      {release.title && (
        <Typography variant="body2" component="div">
          {release.title}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" component="div">
        {facts.map((fact, index) => (
          <Fragment key={fact.key}>
            {index > 0 && ' · '}
            {fact.node}
          </Fragment>
        ))}
      </Typography>
    </Box>
  );
}
