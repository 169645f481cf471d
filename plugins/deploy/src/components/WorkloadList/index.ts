export { WorkloadList, showsWorkloads } from './WorkloadList';
export type { WorkloadListProps } from './WorkloadList';
