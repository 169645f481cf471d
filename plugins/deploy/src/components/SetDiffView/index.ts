export {
  SetDiffView,
  describeMigrations,
  summarizeSetDiff,
} from './SetDiffView';
export type { SetDiffViewProps } from './SetDiffView';
export { AsyncSetDiffView } from './AsyncSetDiffView';
export type { AsyncSetDiffViewProps } from './AsyncSetDiffView';
