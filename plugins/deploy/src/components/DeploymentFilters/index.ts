export { DeploymentFilters, TIME_RANGES } from './DeploymentFilters';
export type {
  DeploymentFilterValues,
  DeploymentFiltersProps,
  TimeRange,
} from './DeploymentFilters';
