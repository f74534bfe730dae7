/**
 * What the run pipeline returns (crossCheck()'s result, and the `crossCheck` part of check's report): JSON-able
 * data first (JSON.stringify(result) is the `--json` form and what the HTML report reads), text second
 * (lib/report). Probes are referred to by index.
 */
import type { Finding } from '../diagnostics/findings';
import type { LayerReport, ProbeLayers } from '../diagnostics/layers/types';
import type { OutputComparison } from '../compare/types';
import type { OptimizationProfile } from '../shapes/profiles';
import type { RunnerInfo } from '../runners/specs';
import type { Probe, ProfileSource, SkippedProbe } from './probes';

export type { RunnerInfo } from '../runners/specs';

// The layer-wise comparison's types (lib/diagnostics/layers).
export type { DivergingNode, LayerDivergence, LayerPairComparison, LayerReport, LayerTensorComparison, ProbeLayers } from '../diagnostics/layers/types';
export type { ModuleOrigin } from '../diagnostics/layers/module-path';

// The comparator's result types are shared with check and the reports (lib/compare).
export type { ErrorHistogram, OutputComparison } from '../compare/types';

/** After each probe: what crossCheck()'s and check()'s `onProgress` get. */
export interface CrossCheckProgress {
  probe: Probe;
  /** Probes finished so far (this one included). */
  done: number;
  /** Probes planned so far (more may be planned as results come in). */
  total: number;
  /** The probe's verdict; `pass` is true for 'pass' only. */
  verdict: ProbeReport['verdict'];
  pass: boolean;
  /** The probe's whole report. */
  report: ProbeReport;
}

/** `actual` runner against `expected` runner at one probe. */
export interface PairComparison {
  actual: string;
  expected: string;
  pass: boolean;
  outputs: OutputComparison[];
}

/** One runner at one probe. */
export interface RunRecord {
  runner: string;
  /** 'ran', 'failed' (threw), or 'skipped' (does not support the probe, or could not be created). */
  status: 'ran' | 'failed' | 'skipped';
  ms?: number;
  outputDims?: Record<string, number[]>;
  /** The element type of each output, e.g. 'float32'. */
  outputTypes?: Record<string, string>;
  /** Why it failed or was skipped. */
  reason?: string;
  /** The finding that explains a failure or skip (e.g. 'FIXED_DIM', 'SHAPE_NOT_DYNAMIC'), when one does. */
  code?: string;
  /** For failures: the node the runtime names, when it does. */
  node?: string;
}

/** An output dim that does not follow the model's declared dims at a probe (see DimCheck). */
export interface DimIssue {
  runner: string;
  output: string;
  axis: number;
  expected: string;
  got: number;
}

/**
 * 'pass': every runner that supports the probe ran, at least one comparison was made and all passed, no dim issue;
 * 'fail': a runner failed, a comparison failed, an output dim is wrong, or the probe could not run as asked;
 * 'not compared': everything ran but there was nothing to compare with (one model runner, no reference).
 */
export type Verdict = 'pass' | 'fail' | 'not compared';

export interface ProbeReport extends Probe {
  /** Where the inputs came from: an .npz path, or 'generated (seed N)'. */
  inputs: string;
  /** Where the saved reference outputs came from (an .npz path, 'tensors'), for a sample that has them. */
  reference?: string;
  runs: RunRecord[];
  comparisons: PairComparison[];
  dimIssues: DimIssue[];
  /** The layer-wise comparison at this probe (with `layers`): each runner's intermediate tensors against the expected side's. */
  layers?: ProbeLayers;
  verdict: Verdict;
  /** true for 'pass', false for 'fail', null for 'not compared' (never a pass). */
  pass: boolean | null;
}

/**
 * How one output axis relates to the declared dims across the sweep, per runner: a fixed dim must stay fixed; a
 * dim declared with an input's symbol must change with it (found: out = scale × symbol + offset).
 */
export interface DimCheck {
  runner: string;
  output: string;
  axis: number;
  /** The declared dim: a number, a symbol name, or '?'. */
  declared: string;
  verdict: 'follows' | 'fixed' | 'constant' | 'irregular' | 'mismatch' | 'unchecked';
  /** For 'follows': out ≈ scale × value(symbol) + offset. */
  relation?: { symbol: string; scale: number; offset: number };
  /** The (symbol value, output dim) pairs seen, by probe index. */
  points?: { probe: number; value: number; dim: number }[];
  message: string;
}

/**
 * TensorRT in a cross-check: `ran` when a TensorRT runner made an engine in this call (built from the model, or
 * loaded from a plan); `what` is then its description, else why TensorRT was not part of it.
 */
export interface TensorRTPart {
  ran: boolean;
  what: string;
}

export interface FailureRef {
  probe: number;
  label: string;
  shapes: Record<string, number[]>;
  /** 'run' (a runner threw), 'compare' (values or dims differ), 'dims' (an output dim ignores a dynamic axis), 'runner' (could not be created). */
  kind: 'run' | 'compare' | 'dims' | 'runner';
  runner?: string;
  expected?: string;
  output?: string;
  message: string;
}

export interface CrossCheckResult {
  model: string | null;
  runners: RunnerInfo[];
  profiles: OptimizationProfile[];
  profileSource: ProfileSource | 'none';
  seed: number;
  probes: ProbeReport[];
  skippedProbes: SkippedProbe[];
  dimChecks: DimCheck[];
  /**
   * What explains the numbers: the model's static findings (lib/check: RESIZE_SEMANTICS, FIXED_DIM...) and what the
   * runs found (SHAPE_NOT_DYNAMIC from failures at probes and output dims that ignore a dynamic axis), errors first.
   */
  findings: Finding[];
  /** The first failure in probe order; null when nothing failed. */
  firstFailure: FailureRef | null;
  /** 'pass' only when something was compared and nothing failed; 'not compared' when nothing could be compared. */
  verdict: Verdict;
  pass: boolean;
  /** Set when the run was stopped (AbortSignal, Ctrl-C): the probes are those that finished. */
  interrupted?: boolean;
  /** Whether TensorRT was part of the cross-check, and what it ran or why it was not (the report says so). */
  tensorrt: TensorRTPart;
  /** The layer-wise comparison over the run (with `layers`): what was observed, and where each runner first diverges. */
  layers?: LayerReport;
  summary: {
    probes: number;
    failedProbes: number;
    /** Probes where everything ran but nothing was compared. */
    notComparedProbes: number;
    /** Probes compared with saved reference outputs (PyTorch's), and those where such a comparison failed. */
    referenceProbes: number;
    failedReferenceProbes: number;
    /** One comparison: one output of one runner against the expected side (a reference or a runner) at one probe. */
    comparisons: number;
    failedComparisons: number;
    /** Runs of the model by a runner (saved references are not runs), failed ones included; skipped ones apart. */
    runs: number;
    failedRuns: number;
    skippedRuns: number;
  };
  /**
   * For image-like outputs (N×C×H×W): the error map at the probe with the largest error, per runner pair and
   * output, when `errorMaps` was asked for. Typed arrays: each map's toJSON() leaves the pixels out.
   */
  errorMaps?: ErrorMap[];
  durationMs: number;
}

/** |actual − expected| reduced over N and C by max, max-pooled to at most `maxSide` pixels a side. */
export interface ErrorMap {
  probe: number;
  actual: string;
  expected: string;
  output: string;
  /** The output's dims. */
  dims: number[];
  width: number;
  height: number;
  /** Source pixels per map pixel, along each side. */
  scale: number;
  min: number;
  max: number;
  /** Row-major height × width. */
  values: Float32Array;
  toJSON(): Omit<ErrorMap, 'values' | 'toJSON'>;
}
