export { RolloutHealthLabel } from './RolloutHealthLabel';
