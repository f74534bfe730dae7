/**
 * Keeps process exit from tearing an onnxruntime worker thread down inside a native call.
 *
 * On `process.exit()` (or any exit), Node terminates every worker thread. A worker inside onnxruntime-node's
 * InferenceSession.create or run cannot be stopped there: when the call returns into the terminating thread, the
 * binding throws a C++ Napi::Error that nothing can catch, and the whole process dies of SIGABRT (exit 134) instead
 * of exiting with its code. That happens after an abort (the abandoned run is still going), when a server shuts down
 * mid-check, and when the CLI stops because stdout went away.
 *
 * So each worker has a gate: one shared Int32Array cell, IDLE, BUSY (inside a native call) or CLOSED (the process is
 * exiting). The worker enters BUSY around each native call and refuses to start one once CLOSED. On the main side an
 * 'exit' listener closes every gate, waiting (Atomics.wait: 'exit' listeners must be synchronous) for a call in
 * flight to return first. The exit is delayed by at most that one call, which could not be interrupted anyway; the
 * threads are then terminated in JavaScript, where that is safe.
 */

const IDLE = 0;
const BUSY = 1;
const CLOSED = 2;

/** The cell a worker and the main side share (created on the main side, passed as workerData). */
export type NativeGate = Int32Array;

const open = new Set<NativeGate>();
let listening = false;

/** Closes every gate, each once its worker is out of a native call (the 'exit' listener). */
export function closeAllGates(): void {
  for (const gate of open) {
    for (;;) {
      const was = Atomics.compareExchange(gate, 0, IDLE, CLOSED);
      if (was !== BUSY) break; // closed now (or already)
      Atomics.wait(gate, 0, BUSY);
    }
  }
  open.clear();
}

/** A new gate for a worker about to start, closed with the others when the process exits. */
export function createGate(): NativeGate {
  if (!listening) {
    listening = true;
    process.on('exit', closeAllGates);
  }
  const gate = new Int32Array(new SharedArrayBuffer(4));
  open.add(gate);
  return gate;
}

/** The worker ended (its gate no longer matters: a thread that is gone cannot be torn down). */
export function dropGate(gate: NativeGate): void {
  open.delete(gate);
}

/**
 * Worker side: runs `call` (which enters onnxruntime's native code) marked BUSY. Once the process is exiting the
 * call is not started: the returned promise never settles, and the thread is terminated from JavaScript.
 */
export async function gated<T>(gate: NativeGate | undefined, call: () => T | Promise<T>): Promise<T> {
  if (!gate) return call();
  if (Atomics.compareExchange(gate, 0, IDLE, BUSY) !== IDLE) return new Promise<T>(() => undefined);
  try {
    return await call();
  } finally {
    Atomics.store(gate, 0, IDLE);
    Atomics.notify(gate, 0);
  }
}
