export { PodList } from './PodList';
