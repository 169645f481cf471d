import { RenderToolMissingError } from '../RenderToolMissingError';
import { toolVersion } from '../runTool';
import { RenderTools } from '../types';

/** The tools as the backend finds them on PATH, with roomy limits. */
export function testTools(overrides: Partial<RenderTools> = {}): RenderTools {
  return {
    kustomizeCommand: 'kustomize',
    helmCommand: 'helm',
    timeoutMs: 30_000,
    maxOutputBytes: 10 * 1024 * 1024,
    ...overrides,
  };
}

/**
 * Fails (never skips) when a tool the tests render with is not on PATH;
 * `slipway_setup` (scripts/setup.sh) provides both.
 */
export async function requireRenderTool(
  tool: 'kustomize' | 'helm',
): Promise<void> {
  try {
    await toolVersion(tool, tool, 30_000);
  } catch (error) {
    if (error instanceof RenderToolMissingError) {
      throw new Error(
        `${error.message}. These tests render with the real ${tool}: run ` +
          '`source scripts/setup.sh && slipway_render_tools` (scripts/test.sh does) ' +
          'to build it into .tools/render/bin and put that on PATH.',
      );
    }
    throw error;
  }
}
