/**
 * Where an OrtRunner's InferenceSession lives: on the caller's thread ('main', as onnxruntime-node is used
 * directly), or in a worker thread of its own ('worker', the default for check, the cross-check and the benchmark).
 * onnxruntime-node's `run` occupies the thread that calls it for the whole inference, so on the main thread a
 * 512×512 run stalls timers, progress output and Ctrl-C for hundreds of milliseconds; in a worker the event loop
 * stays free. Both throw onnxruntime's raw errors (Error with its text); OrtRunner classifies them.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type * as ortTypes from 'onnxruntime-node';
import { AbortError, DisposedError, TrtNodeError } from '../../errors';
import type { NamedTensors, TensorLike, TensorType } from '../../tensor/types';
import { createGate, dropGate } from '../native-gate';
import { removeEmptyOrtDebugLog } from './debug-log';
import { sessionInfo, type WireTensor, type WireValueInfo, type WorkerReply, type WorkerRequest } from './protocol';

export type SessionThread = 'main' | 'worker';

export interface SessionRun {
  outputs: NamedTensors;
  /** Milliseconds inside InferenceSession.run, on the thread that ran it: what a caller of onnxruntime-node sees. */
  sessionMs: number;
}

export interface SessionBackend {
  readonly thread: SessionThread;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly WireValueInfo[];
  readonly outputs: readonly WireValueInfo[];
  readonly version: string;
  run(feeds: NamedTensors, outputNames: readonly string[] | undefined, signal?: AbortSignal): Promise<SessionRun>;
  release(): Promise<void>;
}

/** onnxruntime-node, loaded on first use: `trt-node --help` and `inspect` never pay for it. */
export function loadOrt(): typeof ortTypes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('onnxruntime-node') as typeof ortTypes;
}

function fromOrt(t: ortTypes.Tensor): TensorLike {
  return { type: t.type as TensorType, dims: [...t.dims], data: t.data as TensorLike['data'] };
}

/** The session on the calling thread. */
export async function mainThreadSession(model: string | Uint8Array, options: Record<string, unknown>): Promise<SessionBackend> {
  const ort = loadOrt();
  const so = options as ortTypes.InferenceSession.SessionOptions;
  let session: ortTypes.InferenceSession | null =
    typeof model === 'string' ? await ort.InferenceSession.create(model, so) : await ort.InferenceSession.create(model, so);
  removeEmptyOrtDebugLog();
  const live = () => {
    if (!session) throw new DisposedError('The onnxruntime session');
    return session;
  };
  return {
    thread: 'main',
    ...sessionInfo(ort, session),
    async run(feeds, outputNames, signal) {
      if (signal?.aborted) throw new AbortError('the onnxruntime run');
      const s = live();
      const ortFeeds: Record<string, ortTypes.Tensor> = Object.create(null);
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = t instanceof ort.Tensor ? t : new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[]);
      const t0 = performance.now();
      const out = outputNames ? await s.run(ortFeeds, [...outputNames]) : await s.run(ortFeeds);
      const sessionMs = performance.now() - t0;
      const outputs: NamedTensors = Object.create(null);
      for (const [name, t] of Object.entries(out)) outputs[name] = fromOrt(t as ortTypes.Tensor);
      return { outputs, sessionMs };
    },
    async release() {
      const s = session;
      session = null;
      if (s) await s.release();
    },
  };
}

/**
 * The worker script: the compiled .js beside this file, or, when trt-node runs from its TypeScript sources (tests,
 * tsx), the .ts through tsx's register hook inside the worker only.
 */
function spawnWorker(): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `worker${ext}`);
  const gate = createGate(); // process exit waits for a native call in flight (../native-gate.ts)
  const workerData = { gate };
  const tsx = ext === '.ts' ? require.resolve('tsx/cjs/api') : undefined;
  const worker = tsx ? new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData }) : new Worker(file, { workerData });
  worker.once('exit', () => dropGate(gate));
  return worker;
}

/**
 * Threads whose session was released, kept for the next session: starting a thread and loading onnxruntime-node
 * in it costs tens of milliseconds, paid once rather than on every check() of a server or a test corpus. Idle
 * threads do not keep the process alive, and ending them is safe (nothing runs in them).
 */
const idleWorkers: Worker[] = [];
const MAX_IDLE_WORKERS = 2;

function takeWorker(): Worker {
  const worker = idleWorkers.pop();
  if (!worker) return spawnWorker();
  const idle = worker as Worker & { [kDrop]?: () => void };
  if (idle[kDrop]) {
    worker.off('error', idle[kDrop]);
    worker.off('exit', idle[kDrop]);
    delete idle[kDrop];
  }
  return worker;
}

/** Keeps a thread whose session was released (its session's listeners already removed) for the next session. */
function keepIdle(worker: Worker): void {
  if (idleWorkers.length >= MAX_IDLE_WORKERS) {
    void worker.terminate();
    return;
  }
  worker.unref();
  // An idle thread that fails or ends is simply dropped (removeAllListeners would also remove Node's own).
  const drop = () => {
    const i = idleWorkers.indexOf(worker);
    if (i >= 0) idleWorkers.splice(i, 1);
    worker.off('error', drop);
    worker.off('exit', drop);
  };
  worker.on('error', drop);
  worker.on('exit', drop);
  (worker as Worker & { [kDrop]?: () => void })[kDrop] = drop;
  idleWorkers.push(worker);
}

const kDrop = Symbol('trt-node idle listeners');

function workerError(message: string, cause?: unknown): TrtNodeError {
  return new TrtNodeError('ERR_TRT_NODE_ORT', `the onnxruntime worker thread ${message}`, {}, cause === undefined ? undefined : { cause });
}

/**
 * A feed as posted to the thread. Structured clone copies a typed array's whole ArrayBuffer, not just its view: a
 * tensor that is a window on a larger buffer (an .npz entry read in one piece with the others) is cut to its own
 * bytes first, so a run never posts the whole file.
 */
export function toWire(t: TensorLike): WireTensor {
  const d = t.data;
  const windowed = ArrayBuffer.isView(d) && (d.byteOffset !== 0 || d.byteLength !== d.buffer.byteLength);
  const data = windowed ? (d as Exclude<TensorLike['data'], string[]>).slice() : d;
  return { type: t.type, dims: [...t.dims], data: data as WireTensor['data'] };
}

/**
 * The session in a worker thread of its own; the thread keeps the process alive only while a request is pending.
 *
 * An abort rejects the pending run at once, but the thread is never terminated mid-run: onnxruntime-node's run
 * cannot be interrupted, and terminating a thread inside it aborts the whole process (the binding throws a C++
 * exception when it returns into a terminating environment). The run finishes unseen; the runner refuses further
 * runs; once released, the session is closed after that run and the thread goes back to the idle ones. (The CLI
 * does not wait for that: on Ctrl-C it writes what finished and ends by the signal, see lib/cli/main.ts.)
 */
export async function workerSession(model: string | Uint8Array, options: Record<string, unknown>): Promise<SessionBackend> {
  const worker = takeWorker();
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let dead: TrtNodeError | null = null;
  let exited = false;
  /** Requests the worker has not answered yet, answered or abandoned on our side (an aborted run). */
  let inFlight = 0;

  const refresh = () => (inFlight > 0 && !exited ? worker.ref() : worker.unref());
  const settleAll = (err: TrtNodeError) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const onMessage = (reply: WorkerReply) => {
    inFlight = Math.max(0, inFlight - 1);
    refresh();
    const id = reply.op === 'created' || reply.op === 'released' ? -1 : reply.id;
    if (reply.op === 'released') {
      exited = true; // for this session: the thread goes back to the idle ones
      detach();
      keepIdle(worker);
      return;
    }
    const p = pending.get(id);
    if (!p) return; // the answer to an abandoned (aborted) run
    pending.delete(id);
    p.resolve(reply);
  };
  const onError = (err: unknown) => settleAll(workerError(`failed: ${err instanceof Error ? err.message : String(err)}`, err));
  const onExit = (code: number) => {
    exited = true;
    settleAll(workerError(`exited (code ${code})`));
    refresh();
  };
  const detach = () => {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);

  /** Sends one request; -1 is the id of create/release (one at a time). */
  const request = (msg: WorkerRequest, id: number, signal?: AbortSignal): Promise<WorkerReply> =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (dead) return reject(dead);
      if (signal?.aborted) return reject(new AbortError('the onnxruntime run'));
      const onAbort = () => {
        // The run goes on in the thread; its answer will find nobody waiting. No more runs on this session.
        pending.delete(id);
        dead ??= new AbortError('the onnxruntime run');
        reject(new AbortError('the onnxruntime run'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      pending.set(id, { resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) });
      inFlight++;
      refresh();
      worker.postMessage(msg);
    });

  const created = await request({ op: 'create', model, options }, -1).catch(async (err) => {
    await worker.terminate();
    throw err;
  });
  removeEmptyOrtDebugLog(); // the library is initialised by now, whether the model loaded or not
  if (created.op === 'failed') {
    detach();
    keepIdle(worker); // the thread is fine; only this model failed to load
    throw new Error(created.raw);
  }
  if (created.op !== 'created') throw workerError(`answered '${created.op}' to create`);

  const { op: _op, ...info } = created;
  return {
    thread: 'worker',
    ...info,
    async run(feeds, outputNames, signal) {
      const id = nextId++;
      const wire: Record<string, WireTensor> = Object.create(null);
      for (const [name, t] of Object.entries(feeds)) wire[name] = toWire(t);
      // Feeds are copied (structured clone): the caller keeps its arrays, which other runners may share.
      const reply = await request({ op: 'run', id, feeds: wire, ...(outputNames ? { outputNames: [...outputNames] } : {}) }, id, signal);
      if (reply.op === 'failed') throw new Error(reply.raw);
      if (reply.op !== 'result') throw workerError(`answered '${reply.op}' to run`);
      const outputs: NamedTensors = Object.create(null);
      for (const [name, t] of Object.entries(reply.outputs)) outputs[name] = { type: t.type as TensorType, dims: t.dims, data: t.data as TensorLike['data'] };
      return { outputs, sessionMs: reply.ms };
    },
    async release() {
      if (exited || dead?.code === 'ERR_TRT_NODE_DISPOSED') return;
      dead = new DisposedError('The onnxruntime session');
      settleAll(dead);
      // The thread releases the session and ends on its own, after a run still going (aborted) if there is one;
      // it keeps the process alive until then (ending it mid-run would abort the process), but nobody waits.
      inFlight++;
      refresh();
      worker.postMessage({ op: 'release' } satisfies WorkerRequest);
    },
  };
}
