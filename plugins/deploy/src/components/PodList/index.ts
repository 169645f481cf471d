export { PodList, isFailingContainer } from './PodList';
