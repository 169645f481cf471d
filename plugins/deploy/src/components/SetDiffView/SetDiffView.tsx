import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { ObjectChange, SetDiff } from '@slipway/plugin-deploy-common';

const useStyles = makeStyles(theme => ({
  change: {
    marginTop: theme.spacing(2),
  },
  // Long diffs scroll inside their block; the block takes focus so a
  // keyboard can scroll it too.
  diff: {
    margin: theme.spacing(0.5, 0, 0),
    padding: theme.spacing(0.5, 0),
    maxHeight: 360,
    overflow: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    lineHeight: 1.5,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  line: {
    display: 'block',
    minWidth: 'fit-content',
    padding: theme.spacing(0, 1),
    whiteSpace: 'pre',
    textDecoration: 'none',
    color: theme.palette.text.primary,
  },
  added: {
    backgroundColor: alpha(theme.palette.success.main, 0.16),
    color:
      theme.palette.type === 'dark'
        ? theme.palette.success.light
        : theme.palette.success.dark,
  },
  removed: {
    backgroundColor: alpha(theme.palette.error.main, 0.16),
    color:
      theme.palette.type === 'dark'
        ? theme.palette.error.light
        : theme.palette.error.dark,
  },
  hunk: {
    margin: theme.spacing(0.5, 0),
    border: 0,
    borderTop: `1px dashed ${theme.palette.divider}`,
  },
}));

function count(changes: ObjectChange[], change: ObjectChange['change']) {
  return changes.filter(c => c.change === change).length;
}

/**
 * The diff in one line, e.g. "3 changed · 1 added · 1 removed · 5 unchanged",
 * or "No changes" (with how many objects stay the same).
 */
export function summarizeSetDiff(diff: SetDiff): string {
  const counts: Array<[number, string]> = [
    [count(diff.changes, 'changed'), 'changed'],
    [count(diff.changes, 'added'), 'added'],
    [count(diff.changes, 'removed'), 'removed'],
    [diff.unchanged, 'unchanged'],
  ];
  const parts = counts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`);
  if (diff.changes.length === 0) {
    return ['No changes', ...parts].join(' · ');
  }
  return parts.join(' · ');
}

/** "Runs migration Job db-migrate first", or undefined when there are none. */
export function describeMigrations(migrations: string[]): string | undefined {
  if (migrations.length === 0) return undefined;
  const jobs = migrations.length === 1 ? 'Job' : 'Jobs';
  return `Runs migration ${jobs} ${migrations.join(', ')} first`;
}

/** One object's unified diff: "+" lines as insertions, "-" lines as deletions, "@@" as a rule between hunks. */
function DiffLines(props: { change: ObjectChange }) {
  const { kind, name, diff } = props.change;
  const classes = useStyles();
  const lines = diff.split('\n');
  // A trailing newline is not a line of the object.
  if (lines[lines.length - 1] === '') lines.pop();

  return (
    <Box
      className={classes.diff}
      tabIndex={0}
      aria-label={`Diff of ${kind} ${name}`}
      role="group"
    >
      {lines.map((line, index) => {
        const key = `${index}`;
        if (line.startsWith('@@')) {
          return <hr key={key} className={classes.hunk} />;
        }
        if (line.startsWith('+')) {
          return (
            <ins key={key} className={`${classes.line} ${classes.added}`}>
              {line}
            </ins>
          );
        }
        if (line.startsWith('-')) {
          return (
            <del key={key} className={`${classes.line} ${classes.removed}`}>
              {line}
            </del>
          );
        }
        return (
          <span key={key} className={classes.line}>
            {line}
          </span>
        );
      })}
    </Box>
  );
}

/** Props of {@link SetDiffView}. */
export interface SetDiffViewProps {
  diff: SetDiff;
  /**
   * What to say when the base channel runs nothing Slipway applied; by
   * default that the head's channel runs nothing yet.
   */
  noBaseText?: string;
}

/**
 * What changes between two rendered sets: a one-line summary, the migrations
 * the head runs first, then each added, removed or changed object with its
 * YAML diff.
 */
export function SetDiffView(props: SetDiffViewProps) {
  const { diff } = props;
  const classes = useStyles();
  const migrations = describeMigrations(diff.migrations);

  return (
    <Box>
      {!diff.base && (
        <Typography variant="body2" gutterBottom>
          {props.noBaseText ??
            `${diff.head.channel} runs nothing Slipway applied yet, so everything is new.`}
        </Typography>
      )}
      <Typography variant="body2">{summarizeSetDiff(diff)}</Typography>
      {migrations && <Typography variant="body2">{migrations}</Typography>}
      {diff.changes.map(change => (
        <Box
          key={`${change.kind}/${change.name}`}
          component="section"
          aria-label={`Changes to ${change.kind} ${change.name}`}
          className={classes.change}
        >
          <Typography variant="subtitle2" component="h3">
            <code>
              {change.kind} {change.name}
            </code>{' '}
            — {change.change}
          </Typography>
          <DiffLines change={change} />
        </Box>
      ))}
    </Box>
  );
}
