/**
 * The layer order of lib/, bottom first: the one place it is declared. A folder may import only from folders below
 * it (files inside one folder import each other freely); lib/index.ts, the public API, stands above them all.
 * test/architecture/layers.test.ts enforces it over TypeScript's own reading of every import, `import type` and
 * lazy `require` included, so an import that climbs, or a cycle between folders, fails `npm test`.
 */
export const LAYERS: readonly { folder: string; holds: string }[] = [
  { folder: 'util', holds: 'text for terminals and messages, null-prototype records, JSON: imports nothing of ours' },
  { folder: 'errors', holds: 'the one error hierarchy with stable codes' },
  { folder: 'validate', holds: "argument validators that name the caller's parameter" },
  { folder: 'io', holds: 'bounded file reads, atomic writes, lock files, the memory budget' },
  { folder: 'tensor', holds: 'TensorLike, numpy .npy/.npz, zip' },
  { folder: 'onnx', holds: 'the ONNX protobuf reader and ModelSummary' },
  { folder: 'shapes', holds: 'the shape grammar, dims and optimization profiles (no TensorRT needed)' },
  { folder: 'compare', holds: 'the comparator and tolerances' },
  { folder: 'cache', holds: 'the engine cache: keys, entries, locks, pruning (the build is handed in: no TensorRT)' },
  { folder: 'native', holds: 'the one typed surface of the native addon' },
  { folder: 'trt', holds: 'buildEngine, Engine, IOBinding, doctor' },
  { folder: 'triton', holds: "Triton model repositories for TensorRT plans: config.pbtxt read, written and linted against an engine's IO" },
  { folder: 'diagnostics', holds: "the rule library: findings, static rules, graph helpers, operator data, onnxruntime's errors recognised" },
  { folder: 'data', holds: 'input data: generated feeds, .npz samples' },
  { folder: 'runners', holds: 'the Runner interface, its registry and the built-in runners' },
  { folder: 'pipeline', holds: 'the run pipeline: probes, runs, comparisons, verdicts' },
  { folder: 'report', holds: 'cross-check tables, JSON and HTML reports' },
  { folder: 'explain', holds: 'error text explained with findings' },
  { folder: 'crosscheck', holds: 'crossCheck()' },
  { folder: 'check', holds: 'check() and its report' },
  { folder: 'bench', holds: 'runBench()' },
  { folder: 'cli', holds: 'the trt-node command' },
];
