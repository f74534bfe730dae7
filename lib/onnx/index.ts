export { modelBytesOf, readModel, readModelSync } from './reader';
export type { ModelBytes, ReadModelOptions, ReadStats } from './reader';
export * from './types';
export { formatDims, formatBytes } from './format';
