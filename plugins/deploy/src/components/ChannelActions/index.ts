export { ChannelActions } from './ChannelActions';
export type { ChannelActionsProps } from './ChannelActions';
