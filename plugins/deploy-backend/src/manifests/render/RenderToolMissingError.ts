import { ServiceUnavailableError } from '@backstage/errors';

/**
 * The names of the rendering tools, and the config keys that point at them.
 *
 * @public
 */
export type RenderToolName = 'kustomize' | 'helm';

const TOOL_USES: Record<RenderToolName, { needs: string; configKey: string }> =
  {
    kustomize: {
      needs: 'Rendering a Kustomize overlay',
      configKey: 'deploy.manifests.kustomize.command',
    },
    helm: {
      needs: 'Rendering a Helm chart',
      configKey: 'deploy.manifests.helm.command',
    },
  };

/**
 * The command configured for a rendering tool does not exist (or cannot be
 * run) on the backend's machine: an operator has to install it or point the
 * config at it; nothing is wrong with the service's manifests.
 *
 * @public
 */
export class RenderToolMissingError extends ServiceUnavailableError {
  readonly tool: RenderToolName;
  readonly command: string;
  readonly configKey: string;

  /** `notExecutable`: the command exists but may not be run (EACCES). */
  constructor(tool: RenderToolName, command: string, notExecutable = false) {
    const { needs, configKey } = TOOL_USES[tool];
    const where = command.includes('/') ? '' : ' on PATH';
    const problem = notExecutable
      ? `"${command}" is not executable`
      : `"${command}" was not found${where}`;
    super(
      `${needs} needs ${tool}, but ${problem}; install it or set ${configKey}`,
    );
    this.tool = tool;
    this.command = command;
    this.configKey = configKey;
  }
}
