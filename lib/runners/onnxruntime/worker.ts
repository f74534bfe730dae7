/**
 * The worker-thread side of OrtRunner's 'worker' mode (./session.ts): one onnxruntime-node InferenceSession per
 * worker, so that a run (which blocks the thread that calls it: onnxruntime-node's run is synchronous inside) never
 * stalls the caller's event loop. Messages: create → created | failed; run → result | failed. Output buffers are
 * transferred back, not copied. Errors cross as onnxruntime's raw text; the main side classifies them.
 */
import { parentPort, workerData } from 'worker_threads';
import type * as ortTypes from 'onnxruntime-node';
import { gated, type NativeGate } from '../native-gate';
import { sessionInfo, type WorkerReply, type WorkerRequest, type WireTensor } from './protocol';

if (!parentPort) throw new Error('lib/runners/onnxruntime/worker.ts runs inside a worker thread (see ./session.ts)');
const port = parentPort;
/** Every native call (loading the binding, create, run, release) passes it: see ../native-gate.ts. */
const gate = (workerData as { gate?: NativeGate } | null)?.gate;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loading = gated(gate, () => require('onnxruntime-node') as typeof ortTypes);
loading.catch(() => undefined); // a failed load is answered to the first request
let session: ortTypes.InferenceSession | null = null;

function rawText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function handle(msg: WorkerRequest): Promise<void> {
  const ort = await loading;
  if (msg.op === 'create') {
    try {
      session = await gated(gate, () => ort.InferenceSession.create(msg.model as string, msg.options as ortTypes.InferenceSession.SessionOptions));
      reply({ op: 'created', ...sessionInfo(ort, session) });
    } catch (err) {
      reply({ op: 'failed', id: -1, raw: rawText(err) });
    }
    return;
  }
  if (msg.op === 'release') {
    const s = session;
    session = null;
    await gated(gate, () => s?.release()).catch(() => undefined);
    reply({ op: 'released' });
    return;
  }
  // run
  if (!session) {
    reply({ op: 'failed', id: msg.id, raw: 'the session is not loaded' });
    return;
  }
  const feeds: Record<string, ortTypes.Tensor> = Object.create(null);
  for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
  let out: ortTypes.InferenceSession.OnnxValueMapType;
  const t0 = performance.now();
  try {
    const live = session;
    out = await gated(gate, () => (msg.outputNames ? live.run(feeds, msg.outputNames) : live.run(feeds)));
  } catch (err) {
    reply({ op: 'failed', id: msg.id, raw: rawText(err) });
    return;
  }
  const ms = performance.now() - t0;
  const outputs: Record<string, WireTensor> = Object.create(null);
  const transfer: ArrayBuffer[] = [];
  for (const [name, value] of Object.entries(out)) {
    const t = value as ortTypes.Tensor;
    const data = t.data as WireTensor['data'];
    outputs[name] = { type: t.type, dims: [...t.dims], data };
    // String outputs are plain arrays (cloned); numeric ones move their buffer (each output owns its own).
    if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
  }
  reply({ op: 'result', id: msg.id, outputs, ms }, transfer);
}

/**
 * Every request gets an answer, whatever throws (a feed onnxruntime refuses to wrap, a reply that cannot be cloned):
 * an unanswered run would leave its caller waiting forever, and a rejected queue would drop every later request.
 */
async function answer(msg: WorkerRequest): Promise<void> {
  try {
    await handle(msg);
  } catch (err) {
    try {
      reply({ op: 'failed', id: msg.op === 'run' ? msg.id : -1, raw: rawText(err) });
    } catch {
      // Nothing more can be said; the next request is still served.
    }
  }
}

// One message at a time, in order: onnxruntime-node's run is synchronous inside, so nothing would overlap anyway.
let queue = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(
    () => answer(msg),
    () => answer(msg),
  );
});
