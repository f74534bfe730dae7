/**
 * onnxruntime-node's library carries a telemetry SDK whose debug log, `mat-debug-<pid>.log`, is created (empty) in
 * the temp folder when the first session of a process is made, and never removed: one file per process, hundreds in
 * /tmp after a test run. Once this process's first session exists, the file is removed if it is still empty; one
 * with something in it is left for whoever wants to read it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let done = false;

/** The folders the SDK may have used: TMPDIR (its own rule), else /tmp; and Node's temp folder. */
function tempFolders(): string[] {
  return [...new Set([process.env.TMPDIR || '/tmp', os.tmpdir()])];
}

/** Removes this process's empty `mat-debug-<pid>.log` (once per process; best effort, never throws). */
export function removeEmptyOrtDebugLog(): void {
  if (done) return;
  done = true;
  for (const dir of tempFolders()) {
    const file = path.join(dir, `mat-debug-${process.pid}.log`);
    try {
      const st = fs.lstatSync(file);
      if (st.isFile() && st.size === 0) fs.unlinkSync(file);
    } catch {
      // absent (another platform or version), or not ours to remove
    }
  }
}
