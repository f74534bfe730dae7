export { readModel, readModelSync } from './reader';
export type { ReadModelOptions, ReadStats } from './reader';
export * from './types';
export { formatDims, formatBytes } from './format';
