/** Small formatting helpers shared by the terminal and HTML reports. */

/** 3 significant digits; scientific notation outside [1e-3, 1e4); '-' for null/undefined. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** "input 1x1x64x64, mask 1x64x64". */
export function shapesText(shapes: Record<string, readonly number[]>): string {
  return Object.entries(shapes)
    .map(([n, d]) => `${n} ${d.length ? d.join('x') : 'scalar'}`)
    .join(', ');
}

/**
 * Whether a finding's message already states its fix: the fix itself, or the arguments of the torch.onnx.export call
 * it is ("Re-export with input_names=[...], dynamic_axes={...}" states "torch.onnx.export(model, args, f,
 * input_names=[...], dynamic_axes={...}, ...)"). Text reports then do not print it a second time.
 */
export function fixStatedIn(message: string, fix: string): boolean {
  if (message.includes(fix)) return true;
  const call = /^torch\.onnx\.export\(model, args, f, (?:dynamo=True, )?(.+), \.\.\.\)/.exec(fix);
  return call !== null && message.includes(call[1]);
}
