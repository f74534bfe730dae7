/** Shapes and optimization profiles, the types every shape module shares. */

export type Shape = readonly number[];

/** The accepted range of one input. TensorRT requires min ≤ opt ≤ max on every axis. */
export interface InputRange {
  min: Shape;
  opt: Shape;
  max: Shape;
}

/** One optimization profile: a range per input name (fully static inputs may be left out). */
export type OptimizationProfile = Record<string, InputRange>;
