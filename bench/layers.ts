/**
 * What the layer-wise comparison costs, and how fast the comparator that now sees every tensor is:
 *
 * 1. A marked cross-check (`layers: 'all'`) of a 100-node model against an unmarked one of the same probes, on
 *    onnxruntime with and without graph optimizations (the comparison without TensorRT): the bound is 3×.
 * 2. The comparator on 64 M float32 pairs (every statistic, one pass) against numpy.allclose on the same machine, in
 *    the same run (/usr/bin/python3 with numpy, or $PYTHON).
 *
 * Run: npm run bench:layers [-- repeats]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareTensors } from '../lib/compare';
import { crossCheck } from '../lib/crosscheck';
import { onnxType } from '../lib/onnx/schema';
import { perturbedPairs } from './pairs';

const BLOCKS = 25; // Conv, Relu, Mul, Add: 100 nodes
const CHANNELS = 16;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A residual stack of 25 blocks (x + 0.5·relu(conv3x3(x))), dynamic batch and size: 100 nodes. */
function hundredNodeModel(file: string): number {
  const weights = (n: number, seed: number) => {
    const a = new Float32Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = (s / 4294967296 - 0.5) * 0.1;
    }
    return new Uint8Array(a.buffer);
  };
  const nodes: Record<string, unknown>[] = [];
  const initializer: Record<string, unknown>[] = [{ name: 'half', dims: [], data_type: 1, raw_data: new Uint8Array(Float32Array.of(0.5).buffer) }];
  let x = 'x';
  for (let b = 0; b < BLOCKS; b++) {
    const p = `/block.${b}`;
    initializer.push({ name: `block.${b}.conv.weight`, dims: [CHANNELS, CHANNELS, 3, 3], data_type: 1, raw_data: weights(CHANNELS * CHANNELS * 9, b + 1) });
    initializer.push({ name: `block.${b}.conv.bias`, dims: [CHANNELS], data_type: 1, raw_data: weights(CHANNELS, b + 100) });
    const out = b === BLOCKS - 1 ? 'y' : `${p}/Add_output_0`;
    nodes.push(
      { name: `${p}/conv/Conv`, op_type: 'Conv', input: [x, `block.${b}.conv.weight`, `block.${b}.conv.bias`], output: [`${p}/conv/Conv_output_0`], attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }, { name: 'kernel_shape', type: 7, ints: [3, 3] }] },
      { name: `${p}/act/Relu`, op_type: 'Relu', input: [`${p}/conv/Conv_output_0`], output: [`${p}/act/Relu_output_0`] },
      { name: `${p}/Mul`, op_type: 'Mul', input: [`${p}/act/Relu_output_0`, 'half'], output: [`${p}/Mul_output_0`] },
      { name: `${p}/Add`, op_type: 'Add', input: [x, `${p}/Mul_output_0`], output: [out] },
    );
    x = out;
  }
  const io = (name: string) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: CHANNELS }, { dim_param: 'height' }, { dim_param: 'width' }] } } } });
  const model = onnxType('ModelProto');
  const bytes = model.encode(model.fromObject({ ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 'trt-node bench', graph: { name: 'stack', node: nodes, initializer, input: [io('x')], output: [io('y')] } })).finish();
  fs.writeFileSync(file, bytes);
  return nodes.length;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function markedVersusUnmarked(repeats: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-layers-'));
  try {
    const file = path.join(dir, 'stack.onnx');
    const count = hundredNodeModel(file);
    const probes = [{ x: [1, CHANNELS, 32, 32] }, { x: [1, CHANNELS, 64, 64] }, { x: [2, CHANNELS, 64, 48] }, { x: [1, CHANNELS, 96, 96] }];
    const options = { runners: [{ kind: 'onnxruntime' as const }, { kind: 'onnxruntime' as const, graphOptimization: 'disabled' as const }], probes, sweep: false };
    const plain: number[] = [];
    const marked: number[] = [];
    let tensors = 0;
    let diverging = 0;
    for (let r = 0; r < repeats + 1; r++) {
      const a = await timed(() => crossCheck(file, options));
      let result: Awaited<ReturnType<typeof crossCheck>> | undefined;
      const b = await timed(async () => (result = await crossCheck(file, { ...options, layers: 'all' })));
      if (r === 0) continue; // warm-up: sessions, JIT
      plain.push(a);
      marked.push(b);
      tensors = result!.probes.reduce((n, p) => n + (p.layers?.pairs[0]?.tensors.length ?? 0), 0);
      diverging = result!.layers!.divergences.length;
    }
    const [u, m] = [median(plain), median(marked)];
    console.log(`Marked vs unmarked cross-check: ${count}-node model, ${probes.length} probes, onnxruntime vs onnxruntime-noopt (median of ${repeats})`);
    console.log(`  unmarked ${u.toFixed(0).padStart(6)} ms`);
    console.log(`  marked   ${m.toFixed(0).padStart(6)} ms  (layers 'all': ${tensors} tensor comparisons over the probes, ${diverging} divergence${diverging === 1 ? '' : 's'})`);
    console.log(`  ratio    ${(m / u).toFixed(2)}×  (bound: 3×)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function comparatorVersusNumpy(millions: number, repeats: number): void {
  const n = millions * 1e6;
  const { expected, actual } = perturbedPairs(n);
  const times: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    const t0 = performance.now();
    compareTensors('y', { type: 'float32', dims: [n], data: actual }, { type: 'float32', dims: [n], data: expected });
    if (r > 0) times.push(performance.now() - t0);
  }
  const ours = median(times);
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const script = [
    'import numpy as np, time, statistics',
    `n = ${n}`,
    'rng = np.random.default_rng(0)',
    "e = (rng.random(n, dtype=np.float32) - np.float32(0.5))",
    'a = e + (rng.random(n, dtype=np.float32) - np.float32(0.5)) * np.float32(1e-6)',
    'np.allclose(a, e, rtol=1e-3, atol=1e-4)',
    `ts = []`,
    `for _ in range(${repeats}):`,
    '    t0 = time.perf_counter(); np.allclose(a, e, rtol=1e-3, atol=1e-4); ts.append((time.perf_counter() - t0) * 1000)',
    'print(statistics.median(ts))',
  ].join('\n');
  const py = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  const numpy = py.status === 0 ? Number(py.stdout.trim()) : NaN;
  console.log(`Comparator on ${millions} M float32 pairs (median of ${repeats}; both in this run, on this machine)`);
  console.log(`  trt-node compareTensors (verdict + every statistic + histogram) ${ours.toFixed(0).padStart(6)} ms`);
  if (Number.isFinite(numpy)) {
    console.log(`  numpy.allclose (verdict only)                                   ${numpy.toFixed(0).padStart(6)} ms`);
    console.log(`  speed relative to numpy.allclose: ${(numpy / ours).toFixed(2)}× (1.00× = as fast)`);
  } else console.log(`  numpy.allclose: not run (${python}: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()})`);
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 3);
  await markedVersusUnmarked(repeats);
  comparatorVersusNumpy(64, repeats);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
