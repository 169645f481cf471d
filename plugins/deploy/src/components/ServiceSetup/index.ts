export { ServiceSetup } from './ServiceSetup';
