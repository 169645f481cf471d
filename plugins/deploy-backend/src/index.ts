/**
 * Slipway's deploy engine, a Backstage backend plugin.
 *
 * @packageDocumentation
 */

export { deployPlugin as default } from './plugin';
export * from './permissions';
