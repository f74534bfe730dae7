/** What the comparator reports for one output: JSON-able, the same in check, cross-check and reports. */

export interface ErrorHistogram {
  /** Decade bin edges of |actual − expected|: counts[i] holds errors in [edges[i], edges[i+1]). */
  edges: number[];
  counts: number[];
  /** Elements whose error is exactly 0 (below the first edge). */
  zeros: number;
  /** Elements where one side is NaN/Inf and the other is not. */
  nonFinite: number;
}

/** Rows (slices along axis 0) of an output matched to the reference's in any order (lib/compare/unordered.ts). */
export interface RowMatch {
  /** Rows of the reference. */
  expected: number;
  /** Rows of the output. */
  actual: number;
  /** Reference rows that have an equal row in the output (each output row used once), in any order. */
  matched: number;
  /** Every row matches, the counts agree, and the order differs: the same rows in another order. */
  reordered: boolean;
}

export interface OutputComparison {
  output: string;
  dtype: string | null;
  dims: number[] | null;
  /** Within tolerance: dims and dtype agree, and no element is outside atol + rtol·|expected|. */
  pass: boolean;
  /** What is wrong beyond values: a dims or dtype mismatch, an output missing on one side. */
  problem?: string;
  atol: number;
  rtol: number;
  maxAbsError: number | null;
  maxRelError: number | null;
  meanAbsError: number | null;
  rmsError: number | null;
  /** Cosine similarity of the two tensors as vectors (1 = same direction); null when either is all zeros. */
  cosineSimilarity: number | null;
  /** Elements outside tolerance, and their fraction (0..1) of all elements. */
  failingCount: number | null;
  failingFraction: number | null;
  /**
   * Flat index and coordinates of the largest absolute error (strings: the first mismatch), with both values:
   * numbers, exact decimal strings for int64/uint64 beyond 2^53, the strings themselves for string tensors.
   */
  worst?: { index: number; coords: number[]; actual: number | string; expected: number | string };
  histogram?: ErrorHistogram;
  /** 'unordered' when the output was compared ignoring its row order (CompareOptions.unordered). */
  order?: 'unordered';
  /** The rows matched in any order: for unordered comparisons, and for ordered ones that failed with matching rows. */
  rows?: RowMatch;
}
