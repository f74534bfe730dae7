/** Small formatting helpers shared by the terminal and HTML reports. */
import { formatDims } from '../shapes/spec';

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
    .map(([n, d]) => `${n} ${formatDims(d)}`)
    .join(', ');
}

/** The arguments of a torch.onnx.export fix ("input_names=[...], dynamic_axes={...}"), or the fix itself. */
function fixCore(fix: string): string {
  // What follows the call (dynamo's "with example inputs of size 2 or more…") is part of the fix: a message that
  // states the arguments without it has not stated the fix.
  const call = /^torch\.onnx\.export\(model, args, f, (?:dynamo=True, )?(.+), \.\.\.\)(.*)$/s.exec(fix);
  return call ? `${call[1]}${call[2]}` : fix;
}

/**
 * Whether a finding's message already states its fix: the fix itself, or the arguments of the torch.onnx.export call
 * it is ("Re-export with input_names=[...], dynamic_axes={...}" states "torch.onnx.export(model, args, f,
 * input_names=[...], dynamic_axes={...}, ...)"). Text reports then do not print it a second time.
 */
export function fixStatedIn(message: string, fix: string): boolean {
  return message.includes(fix) || message.includes(fixCore(fix));
}

/**
 * A finding as text shows it: the cause, and the fix on a line of its own. A message that ends its account with the
 * fix alone ("... Re-export with torch.onnx.export(..., opset_version=11).", "Fix: <fix>.") loses that sentence to the
 * Fix line; one that states the fix among other words keeps it (no Fix line: said once); one that does not state it
 * gets the Fix line.
 */
export function causeAndFix(message: string, fix: string): { cause: string; fix: string | undefined } {
  const core = fixCore(fix);
  for (const stated of [fix, core]) {
    for (const lead of ['Re-export with ', 'Fix: ']) {
      const sentence = `${lead}${stated}.`;
      const at = message.indexOf(sentence);
      const end = at + sentence.length;
      // A whole sentence: at the start or after one, and followed by the end or another sentence.
      if (at >= 0 && (at === 0 || /[.!?)]\s$/.test(message.slice(0, at))) && (end === message.length || /^\s/.test(message.slice(end)))) {
        return { cause: `${message.slice(0, at)}${message.slice(end)}`.replace(/\s+/g, ' ').trim(), fix };
      }
    }
  }
  return { cause: message, fix: fixStatedIn(message, fix) ? undefined : fix };
}
