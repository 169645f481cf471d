import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { describeInvalidDnsLabel } from '@slipway/plugin-deploy-common';
import { layoutOfFiles } from './detectLayout';
import { listSourceFiles } from './listSourceFiles';
import { renderHelm } from './renderHelm';
import { renderKustomize } from './renderKustomize';
import { renderPlain } from './renderPlain';
import { sourceProblem } from './sourceProblem';
import { RenderedSource, RenderTarget, RenderTools } from './types';

/**
 * Renders a service's manifest directory for one channel into Kubernetes
 * objects, each with the file it came from: plain YAML (base plus the
 * channel's files), a kustomize overlay, or a Helm chart.
 *
 * `dir` holds the manifest directory; the caller creates and removes it.
 * Throws an `InputError` for a problem in the source (bad YAML, a failed
 * build, a timeout, too much output) and a `RenderToolMissingError` when
 * the tool the layout needs is not installed.
 *
 * @public
 */
export async function renderSource(
  dir: string,
  target: RenderTarget,
  tools: RenderTools,
): Promise<RenderedSource> {
  const { channel } = target;
  // The channel becomes a path (channels/<channel>/, values-<channel>.yaml).
  const channelProblem = describeInvalidDnsLabel(channel);
  if (channelProblem) {
    throw new InputError(`The channel name "${channel}" ${channelProblem}`);
  }
  // The real path, so that paths the tools print can be made relative again.
  const root = await fs.realpath(dir);
  const { files, outsideLinks } = await listSourceFiles(root);
  if (outsideLinks.length > 0) {
    throw sourceProblem(
      channel,
      `symbolic links must stay inside the manifest directory, and ` +
        `${outsideLinks.join(', ')} point${
          outsideLinks.length === 1 ? 's' : ''
        } outside it (or at nothing); put the files themselves in the directory`,
    );
  }
  const layout = layoutOfFiles(files);
  if (layout === 'helm') {
    return renderHelm(root, files, target, tools);
  }
  if (layout === 'kustomize') {
    return renderKustomize(root, files, channel, tools);
  }
  return { layout, objects: await renderPlain(root, files, channel) };
}
