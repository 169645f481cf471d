export { ChannelCard } from './ChannelCard';
export type { ChannelCardProps } from './ChannelCard';
