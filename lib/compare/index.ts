export * from './compare';
export * from './tolerances';
export * from './types';
