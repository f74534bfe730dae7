/**
 * External-data references (TensorProto.external_data) resolved against the model's folder.
 *
 * ONNX defines `location` as a POSIX path relative to the folder holding the model. A location that is absolute
 * or climbs out of that folder (`..`, or a symbolic link pointing outside) is rejected: a model downloaded from
 * somewhere must not make trt-node (or TensorRT, later) read arbitrary files of the machine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileError, OnnxFormatError } from '../errors';
import { lookAlikeNote } from '../util/look-alike';
import { forTerminal } from '../util/terminal';
import type { ExternalDataRef } from './types';
import type { RawExternalRef } from './walk';

function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/** Checks a location lexically and resolves it against `baseDir` (no file-system access). */
export function resolveLocation(label: string, baseDir: string, tensor: string, location: string): string {
  const details = { tensor, location };
  const bad = (what: string): never => {
    throw new OnnxFormatError(label, `tensor "${forTerminal(tensor)}": external data location "${forTerminal(location)}" ${what}`, details);
  };
  if (location.includes('\0')) bad('contains a NUL character');
  if (path.posix.isAbsolute(location) || path.win32.isAbsolute(location)) {
    bad("is an absolute path; ONNX requires a path relative to the model's folder");
  }
  // Locations are POSIX paths, but a backslash must not smuggle a '..' past a POSIX-only check either.
  const posix = path.posix.normalize(location.replace(/\\/g, '/'));
  const resolved = path.resolve(baseDir, location);
  if (posix === '..' || posix.startsWith('../') || escapes(path.relative(baseDir, resolved))) {
    bad(`escapes the model's folder ${baseDir}`);
  }
  if (posix === '.' || posix === './') bad("names the model's folder, not a file");
  return resolved;
}

export function resolveAll(label: string, baseDir: string, raw: RawExternalRef[]): ExternalDataRef[] {
  return raw.map((r) => ({
    tensor: r.tensor,
    location: r.location,
    path: resolveLocation(label, baseDir, r.tensor, r.location),
    offset: r.offset,
    length: r.length,
  }));
}

/** What the file system says about one external file. */
interface FileFacts {
  size: number;
  isFile: boolean;
  realPath: string;
}

/** Validates the references to one file against its facts; completes byteLength where the length was left out. */
function checkAgainstFile(
  label: string,
  realBase: string,
  file: string,
  facts: FileFacts | null,
  refs: { ref: ExternalDataRef; raw: RawExternalRef }[],
  allowMissing: boolean,
): void {
  const first = refs[0].ref;
  if (!facts && allowMissing) {
    for (const { ref } of refs) ref.missing = true;
    return;
  }
  if (!facts) {
    throw new FileError(
      file,
      `external data file of tensor "${forTerminal(first.tensor)}" (location "${forTerminal(first.location)}") in model ${label} does not exist; ` +
        `copy it next to the model, or give the folder it is in (--external-data-dir; externalDataDir, readModel's baseDir)` +
        lookAlikeInFolder(file),
    );
  }
  if (!facts.isFile) {
    throw new FileError(file, `external data of tensor "${forTerminal(first.tensor)}" in model ${label} is not a regular file`);
  }
  if (escapes(path.relative(realBase, facts.realPath))) {
    throw new OnnxFormatError(
      label,
      `tensor "${forTerminal(first.tensor)}": external data location "${forTerminal(first.location)}" leads through a symbolic link to ${forTerminal(facts.realPath)}, outside the model's folder`,
      { tensor: first.tensor, location: first.location },
    );
  }
  for (const { ref, raw } of refs) {
    // What onnxruntime reads: `length` bytes, else the tensor's own size; only a tensor of no fixed size takes the rest.
    const end = ref.offset + (ref.length ?? raw.tensorBytes ?? 0);
    if (ref.offset > facts.size || end > facts.size) {
      throw new OnnxFormatError(
        label,
        `tensor "${forTerminal(ref.tensor)}": external data bytes ${ref.offset}..${end} lie beyond the end of ${forTerminal(file)} (${facts.size} bytes)`,
        { tensor: ref.tensor, location: ref.location },
      );
    }
    ref.fileBytes = facts.size;
    if (ref.length === null && raw.tensorBytes === null) raw.summary.byteLength = facts.size - ref.offset;
  }
}

/**
 * The path as the kernel opens it, not normalised: onnxruntime opens `<folder>/<location>`, and the kernel resolves
 * `sub/..` through what `sub` is (a symbolic link to /etc/ssh makes `sub/../passwd` /etc/passwd; a missing `sub` makes
 * it fail), where a lexical normalisation would check another file (./passwd). `w.bin/` is not w.bin either.
 */
function kernelPath(baseDir: string, location: string): string {
  // (fs.realpathSync normalises '..' lexically first; its .native twin and fs.promises.realpath ask the kernel.)
  return `${baseDir}${path.sep}${location}`;
}

/** A file of the folder whose name looks like the missing one (NFC vs NFD, a look-alike letter): where they differ. */
function lookAlikeInFolder(file: string): string {
  try {
    return lookAlikeNote([path.basename(file)], fs.readdirSync(path.dirname(file)), ['in the model', 'in the folder']);
  } catch {
    return ''; // the folder itself is missing or unreadable: nothing to compare
  }
}

function groupByFile(baseDir: string, refs: ExternalDataRef[], raw: RawExternalRef[]): Map<string, { ref: ExternalDataRef; raw: RawExternalRef }[]> {
  const byFile = new Map<string, { ref: ExternalDataRef; raw: RawExternalRef }[]>();
  refs.forEach((ref, i) => {
    const file = kernelPath(baseDir, ref.location);
    const list = byFile.get(file) ?? [];
    list.push({ ref, raw: raw[i] });
    byFile.set(file, list);
  });
  return byFile;
}

export function checkFilesSync(label: string, baseDir: string, refs: ExternalDataRef[], raw: RawExternalRef[], allowMissing = false): void {
  if (refs.length === 0) return;
  let realBase: string;
  try {
    realBase = fs.realpathSync.native(baseDir);
  } catch (err) {
    throw fsError(baseDir, err);
  }
  for (const [file, list] of groupByFile(baseDir, refs, raw)) {
    let facts: FileFacts | null = null;
    try {
      const st = fs.statSync(file);
      facts = { size: st.size, isFile: st.isFile(), realPath: fs.realpathSync.native(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw fsError(file, err);
    }
    checkAgainstFile(label, realBase, file, facts, list, allowMissing);
  }
}

export async function checkFiles(label: string, baseDir: string, refs: ExternalDataRef[], raw: RawExternalRef[], allowMissing = false): Promise<void> {
  if (refs.length === 0) return;
  const realBase = await fs.promises.realpath(baseDir).catch((err: unknown) => {
    throw fsError(baseDir, err);
  });
  for (const [file, list] of groupByFile(baseDir, refs, raw)) {
    let facts: FileFacts | null = null;
    try {
      const st = await fs.promises.stat(file);
      facts = { size: st.size, isFile: st.isFile(), realPath: await fs.promises.realpath(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw fsError(file, err);
    }
    checkAgainstFile(label, realBase, file, facts, list, allowMissing);
  }
}

function fsError(file: string, err: unknown): FileError {
  return new FileError(file, `cannot read external data: ${(err as Error).message}`, { cause: err });
}
