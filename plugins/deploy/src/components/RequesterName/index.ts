export { RequesterName } from './RequesterName';
