import { InputError } from '@backstage/errors';
import { ToolRunFailure } from './runTool';

/** How many lines of a tool's stderr an error message keeps. */
const STDERR_LINES = 6;
const STDERR_LINE_LENGTH = 400;

/**
 * The error for manifests that cannot be rendered for a channel: the
 * service's owner has to fix their source, so it is an `InputError`. (No
 * `cause`: `InputError` would append its whole message, temporary paths and
 * all, to this one.)
 */
export function sourceProblem(channel: string, detail: string): InputError {
  return new InputError(
    `Cannot render the manifests for channel "${channel}": ${detail}`,
  );
}

/** What a tool says when it tried the network that the sandbox closes. */
const NETWORK_REFUSED = /127\.0\.0\.1:9\b|transport '[^']*' not allowed/;

/**
 * The last lines of what a tool said, with the temporary directory it ran in
 * taken out of its paths so that they read as paths in the repository.
 */
export function trimStderr(stderr: string, dir: string): string {
  const text = stderr.split(`${dir}/`).join('').split(dir).join('.');
  const lines = text
    .split('\n')
    .map(line => line.trimEnd())
    .filter(line => line !== '');
  const kept = lines
    .slice(-STDERR_LINES)
    .map(line =>
      line.length > STDERR_LINE_LENGTH
        ? `${line.slice(0, STDERR_LINE_LENGTH)}…`
        : line,
    );
  const skipped = lines.length - kept.length;
  return [
    ...(skipped > 0 ? [`(${skipped} earlier lines left out)`] : []),
    ...kept,
  ].join('\n');
}

/** The error for a tool that failed on the service's source. */
export function toolFailureProblem(
  channel: string,
  ran: string,
  failure: ToolRunFailure,
  /** The manifest directory the tool ran in, as its real path. */
  dir: string,
): InputError {
  const said = trimStderr(failure.stderr, dir);
  const hint = NETWORK_REFUSED.test(failure.stderr)
    ? '\nRendering has no network access: copy remote bases, resources and ' +
      'chart dependencies into the repository (charts in charts/).'
    : '';
  return sourceProblem(
    channel,
    `\`${ran}\` ${failure.problem}${said ? `:\n${said}` : ''}${hint}`,
  );
}
