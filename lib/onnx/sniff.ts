/**
 * Recognises files that users hand over by mistake instead of an .onnx model (arrays, PyTorch checkpoints,
 * archives, text), so the error can say what the file is rather than where its protobuf broke.
 */

function startsWith(head: Uint8Array, bytes: number[], at = 0): boolean {
  return head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
}

/** A description of what the file is when its first bytes are a known non-ONNX signature. */
export function sniffNonOnnx(head: Uint8Array): string | undefined {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return 'a ZIP archive (a .npz array file, or a PyTorch checkpoint saved with torch.save); export the model with torch.onnx.export';
  }
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'a NumPy .npy array file';
  if (startsWith(head, [0x1f, 0x8b])) return 'a gzip-compressed file; decompress it first';
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) {
    return 'a Python pickle (e.g. a legacy torch.save checkpoint); export the model with torch.onnx.export';
  }
  if (startsWith(head, [0x89, 0x48, 0x44, 0x46])) return 'an HDF5 file (e.g. a Keras .h5 model)';
  if (startsWith(head, [0x54, 0x46, 0x4c, 0x33], 4)) return 'a TensorFlow Lite model';
  return undefined;
}

/**
 * The start of the file when it reads as text (valid UTF-8 without control characters other than tab and line
 * breaks), else undefined. Bytes ≥ 0x80 count as text only inside valid UTF-8 sequences: 0xFF bytes are binary.
 * An ONNX model never reads as text: it starts with the ir_version tag, byte 0x08.
 */
export function looksLikeText(head: Uint8Array): string | undefined {
  if (head.length === 0) return undefined;
  let decoded: string;
  try {
    // stream: a multi-byte character cut by the end of `head` is not an error.
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(decoded)) return undefined;
  const chars = [...decoded];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}...` : decoded;
}
