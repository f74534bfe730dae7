/**
 * npm run bench:inspect — shows that summarising an ONNX model does not read its weights.
 *
 * Generates (in the OS temp folder, removed afterwards) a model of 25 MatMul+Add layers with 1024x1024 float32
 * weights — 100 MiB of initializers stored inline as raw_data — and the same model with its weights as external
 * data. Then prints, for each: the time readModel takes (median of several runs), the time fs.readFile takes to read
 * the same bytes once (median; the page cache is warm, so this is reading's best case), their ratio, the bytes the
 * reader actually read, and the peak RSS growth of each (measured in a fresh child process per model, since the
 * peak only grows). A full protobufjs decode is timed last, for comparison.
 *
 * The model is written as a stream: the small messages are encoded with protobufjs, the weight payloads are written
 * chunk by chunk behind their length prefixes, so generating it does not hold 100 MiB in memory either.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { readModel, readModelSync } from '../lib/onnx/reader';
import { onnxType } from '../lib/onnx/schema';
import { formatBytes } from '../lib/onnx/format';

const LAYERS = 25;
const WIDTH = 1024;
const WEIGHT_BYTES = WIDTH * WIDTH * 4;
const BIAS_BYTES = WIDTH * 4;
const RUNS = 15;
const READ_RUNS = 5;
const CHUNK = 1 << 20;

function enc(type: Parameters<typeof onnxType>[0], obj: Record<string, unknown>): Uint8Array {
  const t = onnxType(type);
  return t.encode(t.fromObject(obj)).finish();
}

/** Tag + length prefix of a length-delimited field. */
function prefix(field: number, length: number): Uint8Array {
  return protobuf.Writer.create().uint32((field << 3) | 2).uint32(length).finish();
}

/** Writes `bytes` pseudo-random float32 values (xorshift) to fd, a chunk at a time. */
function writeWeights(fd: number, bytes: number, seed: number): void {
  const chunk = new Float32Array(CHUNK / 4);
  let s = seed >>> 0 || 1;
  for (let done = 0; done < bytes; ) {
    const n = Math.min(CHUNK, bytes - done);
    for (let i = 0; i < n / 4; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      chunk[i] = ((s >>> 0) / 0x100000000 - 0.5) * 0.02;
    }
    fs.writeSync(fd, new Uint8Array(chunk.buffer, 0, n));
    done += n;
  }
}

interface Weight {
  name: string;
  dims: number[];
  bytes: number;
}

function layers(): { weights: Weight[]; graphHeader: Uint8Array } {
  const weights: Weight[] = [];
  const nodes: Record<string, unknown>[] = [];
  let x = 'input';
  for (let i = 0; i < LAYERS; i++) {
    weights.push({ name: `layer${i}.weight`, dims: [WIDTH, WIDTH], bytes: WEIGHT_BYTES });
    weights.push({ name: `layer${i}.bias`, dims: [WIDTH], bytes: BIAS_BYTES });
    const out = i === LAYERS - 1 ? 'output' : `h${i}`;
    nodes.push({ op_type: 'MatMul', name: `/layer${i}/MatMul`, input: [x, `layer${i}.weight`], output: [`m${i}`] });
    nodes.push({ op_type: 'Add', name: `/layer${i}/Add`, input: [`m${i}`, `layer${i}.bias`], output: [out] });
    x = out;
  }
  const value = (name: string) => ({
    name,
    type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: WIDTH }] } } },
  });
  const graphHeader = enc('GraphProto', { name: 'bench', node: nodes, input: [value('input')], output: [value('output')] });
  return { weights, graphHeader };
}

const modelHeader = () =>
  enc('ModelProto', { ir_version: 8, producer_name: 'trt-node-bench', producer_version: '1', opset_import: [{ domain: '', version: 17 }] });

/** model.onnx with every weight inline (raw_data). */
function writeInline(file: string): void {
  const { weights, graphHeader } = layers();
  const tensors = weights.map((w) => {
    const header = enc('TensorProto', { name: w.name, dims: w.dims, data_type: 1 });
    const raw = prefix(9, w.bytes);
    return { w, header, raw, length: header.length + raw.length + w.bytes };
  });
  const graphLength = graphHeader.length + tensors.reduce((a, t) => a + prefix(5, t.length).length + t.length, 0);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, modelHeader());
    fs.writeSync(fd, prefix(7, graphLength));
    fs.writeSync(fd, graphHeader);
    tensors.forEach((t, i) => {
      fs.writeSync(fd, prefix(5, t.length));
      fs.writeSync(fd, t.header);
      fs.writeSync(fd, t.raw);
      writeWeights(fd, t.w.bytes, i + 1);
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** model.onnx + weights.bin: the same weights as external data, each at a 4096-aligned offset. */
function writeExternal(folder: string): void {
  const { weights, graphHeader } = layers();
  const fd = fs.openSync(path.join(folder, 'weights.bin'), 'w');
  let offset = 0;
  const tensors: Uint8Array[] = [];
  try {
    weights.forEach((w, i) => {
      const aligned = Math.ceil(offset / 4096) * 4096;
      if (aligned > offset) fs.writeSync(fd, new Uint8Array(aligned - offset));
      writeWeights(fd, w.bytes, i + 1);
      tensors.push(
        enc('TensorProto', {
          name: w.name,
          dims: w.dims,
          data_type: 1,
          data_location: 1,
          external_data: [
            { key: 'location', value: 'weights.bin' },
            { key: 'offset', value: String(aligned) },
            { key: 'length', value: String(w.bytes) },
          ],
        }),
      );
      offset = aligned + w.bytes;
    });
  } finally {
    fs.closeSync(fd);
  }
  const graph = Buffer.concat([graphHeader, ...tensors.flatMap((t) => [prefix(5, t.length), t])]);
  fs.writeFileSync(path.join(folder, 'model.onnx'), Buffer.concat([modelHeader(), prefix(7, graph.length), graph]));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Peak resident set so far, in bytes. It only grows, so each scenario runs in a fresh child process. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

interface Result {
  files: { name: string; bytes: number }[];
  initializers: number;
  weightBytes: number;
  summariseMs: number;
  summariseSyncMs: number;
  readMs: number;
  bytesRead: number;
  reads: number;
  rssSummarise: number;
  rssRead: number;
}

/** Child process: measures one model (readModel first — it barely moves the peak — then fs.readFile). */
async function measure(modelFile: string, dataFiles: string[]): Promise<Result> {
  const stats = { bytesRead: 0, reads: 0 };
  const summary = await readModel(modelFile, { stats });
  const expectedWeights = LAYERS * (WEIGHT_BYTES + BIAS_BYTES);
  if (summary.initializers.count !== 2 * LAYERS || summary.initializers.totalBytes !== expectedWeights) {
    throw new Error(`summary disagrees with the generated model: ${summary.initializers.count} initializers, ${summary.initializers.totalBytes} bytes`);
  }
  const files = [modelFile, ...dataFiles];
  // Warm up (JIT, schema parse, heap sizing) so the runs measure steady state.
  for (let i = 0; i < 5; i++) {
    await readModel(modelFile);
    readModelSync(modelFile);
  }

  const rssBefore = peakRss();
  const asyncRuns: number[] = [];
  const syncRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    asyncRuns.push(await timeMs(() => readModel(modelFile)));
    syncRuns.push(await timeMs(() => readModelSync(modelFile)));
  }
  const rssSummarise = peakRss() - rssBefore;

  const rssBeforeRead = peakRss();
  const readRuns: number[] = [];
  for (let i = 0; i < READ_RUNS; i++) {
    readRuns.push(await timeMs(async () => Promise.all(files.map((f) => fs.promises.readFile(f)))));
  }
  return {
    files: files.map((f) => ({ name: path.basename(f), bytes: fs.statSync(f).size })),
    initializers: summary.initializers.count,
    weightBytes: summary.initializers.totalBytes,
    summariseMs: median(asyncRuns),
    summariseSyncMs: median(syncRuns),
    readMs: median(readRuns),
    bytesRead: stats.bytesRead,
    reads: stats.reads,
    rssSummarise,
    rssRead: peakRss() - rssBeforeRead,
  };
}

function runChild(modelFile: string, dataFiles: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    // fork keeps process.execArgv, i.e. tsx's loader: the child runs this same .ts file.
    const child = fork(__filename, ['--measure', modelFile, ...dataFiles], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: Result | undefined;
    child.on('message', (m) => (result = m as Result));
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`measuring ${modelFile} failed (exit ${code})`))));
  });
}

function report(label: string, r: Result): void {
  const total = r.files.reduce((a, f) => a + f.bytes, 0);
  console.log(`\n${label}`);
  const rows: [string, string][] = [
    ['files', r.files.map((f) => `${f.name} ${formatBytes(f.bytes)}`).join(' + ')],
    ['weights (initializers)', `${formatBytes(r.weightBytes)} in ${r.initializers} tensors`],
    [`readModel, median of ${RUNS}`, `${r.summariseMs.toFixed(2)} ms (readModelSync ${r.summariseSyncMs.toFixed(2)} ms)`],
    [`fs.readFile once, median of ${READ_RUNS}`, `${r.readMs.toFixed(2)} ms (${formatBytes(total)}, warm page cache)`],
    ['ratio readFile / readModel', `${(r.readMs / r.summariseMs).toFixed(0)}x (sync: ${(r.readMs / r.summariseSyncMs).toFixed(0)}x)`],
    ['bytes read by readModel', `${formatBytes(r.bytesRead)} in ${r.reads} reads (${((100 * r.bytesRead) / total).toFixed(2)}% of the files)`],
    [`peak RSS growth, ${RUNS}+${RUNS} readModel runs`, formatBytes(Math.max(0, r.rssSummarise))],
    ['peak RSS growth, fs.readFile', formatBytes(Math.max(0, r.rssRead))],
  ];
  for (const [k, v] of rows) console.log(`  ${k.padEnd(36)} ${v}`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-bench-inspect-'));
  try {
    const inline = path.join(dir, 'inline.onnx');
    const extDir = path.join(dir, 'external');
    fs.mkdirSync(extDir);
    const tGen = await timeMs(() => {
      writeInline(inline);
      writeExternal(extDir);
    });
    console.log(`Generated in ${dir} (${(tGen / 1000).toFixed(1)} s); node ${process.version}, ${os.cpus().length} CPUs`);

    report('Weights inline (raw_data in model.onnx)', await runChild(inline, []));
    report('Weights as external data (model.onnx + weights.bin)', await runChild(path.join(extDir, 'model.onnx'), [path.join(extDir, 'weights.bin')]));

    // For comparison: what decoding the whole message with protobufjs costs (read + decode, every weight copied).
    const M = onnxType('ModelProto');
    const tDecode = await timeMs(async () => M.decode(await fs.promises.readFile(inline)));
    console.log(`\nFor comparison: fs.readFile + protobufjs ModelProto.decode of the inline model: ${tDecode.toFixed(0)} ms (one run)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function child(args: string[]): Promise<void> {
  const [modelFile, ...dataFiles] = args;
  process.send?.(await measure(modelFile, dataFiles));
}

(process.argv[2] === '--measure' ? child(process.argv.slice(3)) : main()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
