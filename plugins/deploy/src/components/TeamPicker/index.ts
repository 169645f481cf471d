export { TeamPicker } from './TeamPicker';
export type { TeamPickerProps } from './TeamPicker';
