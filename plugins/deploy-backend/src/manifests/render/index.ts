export { renderSource } from './renderSource';
export { detectLayout, layoutOfFiles } from './detectLayout';
export { RenderToolMissingError } from './RenderToolMissingError';
export type { RenderToolName } from './RenderToolMissingError';
export type {
  ManifestLayout,
  RenderedSource,
  RenderTarget,
  RenderTools,
  SourcedObject,
} from './types';
