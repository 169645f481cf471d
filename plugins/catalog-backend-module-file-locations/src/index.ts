/**
 * A catalog module that accepts `file` locations from the catalog API, for
 * Slipway's `deploy:publish:local` scaffolder action.
 *
 * @packageDocumentation
 */

export { catalogModuleFileLocations as default } from './catalogModuleFileLocations';
