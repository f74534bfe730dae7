/**
 * ONNX's backend test corpus (Debian's libonnx-testdata, read by python3-onnx) as trt-node runs it: find the data,
 * convert it once to .npz (convert.py, cached in the temp folder), and put each test through readModel and check()
 * the way a user would (public API, probing off). test/conformance/ asserts on the outcomes; the classification
 * lives here so the suite and anyone reproducing its table use the same one.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, readModel, TrtNodeError } from '../../lib';
import type { CheckReport, ModelSummary } from '../../lib';
import type { ToleranceOverrides } from '../../lib/compare';
import { DATA_TYPE_NAMES } from '../../lib/onnx/schema';

/** The python the corpus is read with: Debian's, where python3-onnx installs onnx. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const DEFAULT_DATA = '/usr/share/libonnx-testdata/data';
const CONVERTER = path.join(__dirname, 'convert.py');

type Dims = (number | string | null)[] | null;

/** What python's onnx package reads in a model (convert.py `structure`); element types as TensorProto numbers. */
export interface ExpectedStructure {
  irVersion: number;
  opsets: [string, number][];
  inputs: { name: string; elemType: number | string; dims: Dims; isInitializer: boolean }[];
  outputs: { name: string; elemType: number | string; dims: Dims }[];
  nodeCount: number;
  initializerCount: number;
  opTypes: string[];
}

export interface CorpusTest {
  /** '<suite>/<test folder>', e.g. 'node/test_abs'. */
  id: string;
  model: string;
  structure: ExpectedStructure;
  /** Why its values cannot be converted (sequence/optional/bfloat16); then `in`/`out` are absent. */
  unconvertible?: string;
  in?: string;
  out?: string;
}

export interface Corpus {
  data: string;
  folder: string;
  tests: CorpusTest[];
}

/** Where the corpus is, or why it cannot be used here (the suite prints it and skips). */
export function locateCorpus(): { data: string } | { skip: string } {
  const data = process.env.ONNX_TESTDATA ?? DEFAULT_DATA;
  if (!fs.existsSync(path.join(data, 'node'))) {
    return { skip: `ONNX's backend test data is not at ${data} (apt-get install libonnx-testdata, or set ONNX_TESTDATA)` };
  }
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { skip: `${SYSTEM_PYTHON} cannot import onnx and numpy (apt-get install python3-onnx): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}` };
  }
  return { data };
}

/** Converts the corpus (once per converter version and data folder) and reads the manifest. */
export function prepareCorpus(data: string): Corpus {
  // Keyed by the converter and the data (its folder and when the package last changed it).
  const stamp = String(fs.statSync(path.join(data, 'node')).mtimeMs);
  const key = crypto.createHash('sha1').update(fs.readFileSync(CONVERTER)).update(path.resolve(data)).update(stamp).digest('hex').slice(0, 12);
  const folder = path.join(os.tmpdir(), `trt-node-onnx-conformance-${key}`);
  const manifest = path.join(folder, 'manifest.json');
  if (!fs.existsSync(manifest)) {
    // The converter writes manifest.json last (atomically): an interrupted conversion is redone.
    const run = spawnSync(SYSTEM_PYTHON, [CONVERTER, data, folder], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${CONVERTER} failed (${run.status}): ${run.stderr}`);
  }
  const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { tests: CorpusTest[] };
  return { data, folder, tests: parsed.tests };
}

/** How one test came out, in the terms of the suite's table. */
export type OutcomeKind =
  /** Ran, and every output was compared with ONNX's expected output and is within tolerance. */
  | 'pass'
  /** Ran, and an output differs from the expected one. */
  | 'mismatch'
  /** onnxruntime would not load the model. */
  | 'ort-load'
  /** onnxruntime loaded it but the run failed. */
  | 'ort-run'
  /** check() refused to run it because of one of its own findings. */
  | 'blocked'
  /** check() threw (a usage or input error). */
  | 'threw'
  /** The test's values are not tensors trt-node and onnxruntime-node can carry (convert.py says why). */
  | 'unconvertible';

export interface Outcome {
  id: string;
  kind: OutcomeKind;
  /** The error, or the failing outputs. */
  detail: string;
  /** The TrtNodeError code when check() threw. */
  errorCode?: string;
  /** Error-severity findings as 'CODE' (with the node's op type for UNSUPPORTED_OP). */
  errorFindings: string[];
  /** Warning-severity findings' codes. */
  warningFindings: string[];
  report?: CheckReport;
}

function outcomeOf(id: string, report: CheckReport): Outcome {
  const errorFindings = report.findings
    .filter((f) => f.severity === 'error')
    .map((f) => (f.node ? `${f.code}:${f.node.domain ? `${f.node.domain}::` : ''}${f.node.opType}` : f.code));
  const warningFindings = report.findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  const base = { id, errorFindings, warningFindings, report };
  const failedRun = report.runs.find((r) => !r.ok);
  if (failedRun) {
    const message = failedRun.error?.message ?? 'no message';
    if (message.startsWith('not run:')) return { ...base, kind: 'blocked', detail: message };
    return { ...base, kind: message.startsWith('cannot load the model') ? 'ort-load' : 'ort-run', detail: message };
  }
  const outputs = report.runs.flatMap((r) => r.outputs);
  const bad = outputs.filter((o) => o.pass !== true);
  if (bad.length === 0 && outputs.length > 0) return { ...base, kind: 'pass', detail: `${outputs.length} output(s) within tolerance` };
  const detail = bad
    .map((o) => `${o.name}: ${o.compared ? (o.problem ?? `max abs error ${o.maxAbsError}, ${o.failingFraction} failing`) : (o.problem ?? 'not compared')}`)
    .join('; ');
  return { ...base, kind: 'mismatch', detail: detail || 'no outputs' };
}

/** One test through check(), the way `trt-node check model.onnx --inputs in.npz --reference out.npz --no-probe` runs it. */
export async function runTest(test: CorpusTest, tolerance?: ToleranceOverrides): Promise<Outcome> {
  if (test.unconvertible) return { id: test.id, kind: 'unconvertible', detail: test.unconvertible, errorFindings: [], warningFindings: [] };
  try {
    const report = await check(test.model, {
      samples: [{ inputs: test.in!, reference: test.out! }],
      probe: false,
      ...(tolerance ? { tolerance } : {}),
    });
    return outcomeOf(test.id, report);
  } catch (err) {
    if (!(err instanceof TrtNodeError)) throw err;
    return { id: test.id, kind: 'threw', detail: err.message, errorCode: err.code, errorFindings: [], warningFindings: [] };
  }
}

const dimOf = (d: ModelSummary['inputs'][number]['dims']) =>
  d ? d.map((x) => (x.kind === 'fixed' ? x.value : x.kind === 'symbolic' ? x.name : null)) : null;

/** Where trt-node's reader and python's onnx disagree about a model (empty when they agree). */
export function structureDifferences(summary: ModelSummary, expected: ExpectedStructure): string[] {
  const actual: ExpectedStructure = {
    irVersion: summary.irVersion,
    opsets: summary.opsets.map((o) => [o.domain, o.version] as [string, number]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])),
    inputs: summary.inputs.map((i) => ({ name: i.name, elemType: i.elemType, dims: dimOf(i.dims), isInitializer: i.isInitializer })),
    outputs: summary.outputs.map((o) => ({ name: o.name, elemType: o.elemType, dims: dimOf(o.dims) })),
    nodeCount: summary.nodes.length,
    initializerCount: summary.initializers.count,
    opTypes: [...new Set(summary.nodes.map((n) => `${n.domain}::${n.opType}`))].sort(),
  };
  expected = {
    ...expected,
    inputs: expected.inputs.map((i) => ({ ...i, elemType: DATA_TYPE_NAMES[Number(i.elemType)] ?? String(i.elemType) })),
    outputs: expected.outputs.map((o) => ({ ...o, elemType: DATA_TYPE_NAMES[Number(o.elemType)] ?? String(o.elemType) })),
  };
  const diffs: string[] = [];
  for (const key of Object.keys(expected) as (keyof ExpectedStructure)[]) {
    const a = JSON.stringify(actual[key]);
    const e = JSON.stringify(expected[key]);
    if (a !== e) diffs.push(`${key}: reader ${a.slice(0, 200)} vs onnx ${e.slice(0, 200)}`);
  }
  return diffs;
}

export async function readTest(test: CorpusTest): Promise<string[]> {
  return structureDifferences(await readModel(test.model), test.structure);
}
