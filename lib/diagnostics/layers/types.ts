/** What a layer-wise comparison reports: JSON-able, per probe (in each probe's report) and over the sweep. */
import type { OutputComparison } from '../../compare/types';
import type { LayerSelection } from './selection';
import type { ModuleOrigin } from './module-path';

/**
 * One tensor of one runner compared with the expected side at one probe: the comparator's statistics (the same
 * tolerances as the outputs), without the histogram and worst element (a model has hundreds of tensors).
 */
export type LayerTensorComparison = Omit<OutputComparison, 'output' | 'histogram' | 'worst' | 'order' | 'rows'> & {
  tensor: string;
  /** Topological index of the node that makes it. */
  depth: number;
  /** A graph output (compared among the layers too, so that the path from inputs to outputs is whole). */
  output?: true;
  /** Elements that are NaN or ±Inf on the actual side only. */
  nonFinite: number | null;
  /** For a tensor outside tolerance, the largest finite |expected| value (past 65504 it cannot be held in float16); null where it agrees. */
  expectedAbsMax: number | null;
};

/** One runner's tensors against the expected side's at one probe. */
export interface LayerPairComparison {
  actual: string;
  expected: string;
  /** Every tensor both sides have, in topological order. */
  tensors: LayerTensorComparison[];
  /** Selected tensors `actual` does not expose (TensorRT: fused away, renamed, a shape tensor): not compared. */
  notObservable: string[];
  /** Selected tensors the expected side lacks (a reference that holds some activations only): not compared. */
  notInExpected: string[];
  /** The first diverging node at this probe (its name, or `#index` when it has none); null when none diverges. */
  firstDivergence: string | null;
}

/** The layer-wise comparison of one probe. */
export interface ProbeLayers {
  pairs: LayerPairComparison[];
  /** Why no layer was compared at this probe (nothing ran, the intermediates exceed the memory budget...). */
  skipped?: string;
}

/** A node as the divergence report names it. */
export interface DivergingNode {
  index: number;
  name: string;
  opType: string;
  /** Topological index: the x of the error-against-depth chart. */
  depth: number;
  /** The PyTorch module it came from, when the exporter recorded it. */
  origin?: ModuleOrigin;
}

/**
 * A first divergence over the sweep: the node where `actual` first leaves `expected` (its outputs outside tolerance,
 * every input within it), and the probes where it is the first.
 */
export interface LayerDivergence {
  actual: string;
  expected: string;
  node: DivergingNode;
  /** Every input was observed (or is a graph input, weight or constant). false: unobserved tensors lie between the last agreeing ones and this node, which is then the first observed place of the divergence. */
  exact: boolean;
  probes: number[];
  /** At the first of `probes`: the node's inputs and outputs compared. */
  inputs: LayerTensorComparison[];
  outputs: LayerTensorComparison[];
}

/** The layer-wise comparison over the whole run. */
export interface LayerReport {
  selection: LayerSelection;
  /** How many intermediate tensors were selected (the graph outputs come on top). */
  selected: number;
  /** What marking outputs does to a TensorRT engine, and what is compared because of it. */
  note: string;
  /** Per runner: selected tensors it never exposed at any probe, and runners that gave no intermediate at all. */
  notObservable: { runner: string; tensors: string[]; reason: string }[];
  /** The first divergences, most probes first: one per node and runner pair. */
  divergences: LayerDivergence[];
  /** Probes at which layers were compared. */
  comparedProbes: number;
}
