export { CompareChannelsDialog } from './CompareChannelsDialog';
export type { CompareChannelsDialogProps } from './CompareChannelsDialog';
