/** The readable form of an Explanation (the JSON form is the Explanation itself). */
import { fixStatedIn } from '../report/format';
import { wrap } from '../report/style';
import { forTerminal } from '../util/terminal';
import type { Explanation } from './types';

/** Text quoted from the pasted error (names, lines) is escaped: an ESC sequence in it must not reach the terminal. */
const safe = (text: string) => forTerminal(text, { multiline: true });
const line = (text: string) => forTerminal(text);

export function formatExplanation(e: Explanation): string {
  if (!e.recognized) {
    return (
      'trt-node explain: nothing recognised. It knows the export pitfalls trt-node check diagnoses, as torch.onnx.export ' +
      '(both exporters), onnxruntime and TensorRT word them; paste the whole error or log, or run trt-node check on the model.\n'
    );
  }
  const out: string[] = [];
  for (const f of e.findings) {
    out.push(`${f.severity.toUpperCase().padEnd(7)} ${f.code}  (${f.source})`);
    out.push(...wrap(`From: ${line(f.evidence)}`, '          '));
    out.push(...wrap(safe(f.message), '          '));
    // check's messages end with their fix; say it apart only where the message does not.
    if (!fixStatedIn(f.message, f.fix)) out.push(...wrap(`Fix: ${safe(f.fix)}`, '          '));
  }
  for (const n of e.notes) {
    out.push(`NOTE    (${n.source})`);
    out.push(...wrap(`From: ${line(n.evidence)}`, '          '));
    out.push(...wrap(safe(n.message), '          '));
    if (n.fix) out.push(...wrap(`Fix: ${safe(n.fix)}`, '          '));
  }
  return `${out.join('\n')}\n`;
}
