/** The readable form of an Explanation (the JSON form is the Explanation itself). */
import { fixStatedIn } from '../report/format';
import { wrap } from '../report/style';
import type { Explanation } from './types';

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
    out.push(...wrap(`From: ${f.evidence}`, '          '));
    out.push(...wrap(f.message, '          '));
    // check's messages end with their fix; say it apart only where the message does not.
    if (!fixStatedIn(f.message, f.fix)) out.push(...wrap(`Fix: ${f.fix}`, '          '));
  }
  for (const n of e.notes) {
    out.push(`NOTE    (${n.source})`);
    out.push(...wrap(`From: ${n.evidence}`, '          '));
    out.push(...wrap(n.message, '          '));
    if (n.fix) out.push(...wrap(`Fix: ${n.fix}`, '          '));
  }
  return `${out.join('\n')}\n`;
}
