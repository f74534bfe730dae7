/**
 * Input data, apart from what runs it (as Polygraphy keeps its data loaders apart from its runners): feeds given as
 * tensors or .npz files, generated inputs, and saved samples with their reference outputs.
 */
export { buildFeeds, feedableInputs, feedsFromNpz, resolveInputShapes, toFeeds } from './feeds';
export type { BuildFeedsOptions, FeedSource, FeedsInput, FeedValue, NpzFeedsOptions } from './feeds';
export { floatToHalfBits, generateFeeds, generateProbeFeeds, mulberry32, parseValueRanges } from './generate';
export type { GenerateOptions, ValueRange } from './generate';
export { loadSamples, sampleFeeds } from './samples';
export type { LoadedSample, Sample } from './samples';
