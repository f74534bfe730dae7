export * from './compare';
export * from './tolerances';
export * from './types';
export { compareUnordered, matchRows } from './unordered';
