export { ReleasePipeline } from './ReleasePipeline';
export type { ReleasePipelineProps } from './ReleasePipeline';
