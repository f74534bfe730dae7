/**
 * OPSET_VERSION: the ai.onnx opset judged as TensorRT's ONNX parser judges it. onnx-tensorrt's
 * ModelImporter::importModel (ModelImporter.cpp) only warns below opset 7 — "TensorRT supports ONNX graphs generated
 * with at least opset 7. Models using older opsets are not guaranteed to work." — and refuses no opset; each
 * importer then reads the node as its own opset defines it. Outside the range onnx-tensorrt's operator document
 * names (docs/operators.md) nothing is refused either: that is information, not a failure.
 */
import { OPERATOR_SUPPORT_SOURCE } from '../data/onnx-tensorrt-operators';
import { exportCall, exporterOf } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

/** The parser's own warning below this opset (ModelImporter.cpp). */
export const PARSER_MIN_OPSET = 7;

export function checkOpset(ctx: RuleContext): Finding[] {
  const opset = ctx.g.opset;
  if (opset === 0) return [];
  const { min, max } = OPERATOR_SUPPORT_SOURCE.opsetRange;
  const trt = `TensorRT ${OPERATOR_SUPPORT_SOURCE.tensorrtVersion}`;
  // Below the documented range, 11 is the first opset whose Resize matches PyTorch's interpolation.
  const target = opset < min ? Math.max(min, 11) : max;
  const fix = exportCall(exporterOf(ctx.g.model) === 'dynamo' ? 'dynamo' : 'torchscript', `opset_version=${target}`);
  const details = { opset, parserMinimum: PARSER_MIN_OPSET, documentedRange: [min, max], tensorrt: OPERATOR_SUPPORT_SOURCE.tensorrtVersion };
  if (opset < PARSER_MIN_OPSET) {
    return [
      {
        code: 'OPSET_VERSION',
        severity: 'warning',
        message:
          `The model uses ai.onnx opset ${opset}. TensorRT's ONNX parser warns that it "supports ONNX graphs generated ` +
          `with at least opset 7. Models using older opsets are not guaranteed to work" (onnx-tensorrt ModelImporter.cpp), ` +
          `and onnx-tensorrt documents ${trt} for opsets ${min} to ${max}. Re-export with ${fix}.`,
        fix,
        details,
      },
    ];
  }
  if (opset < min || opset > max) {
    return [
      {
        code: 'OPSET_VERSION',
        severity: 'info',
        message:
          `The model uses ai.onnx opset ${opset}, outside the opsets ${min} to ${max} that onnx-tensorrt documents for ${trt}. ` +
          `The parser does not refuse it (it warns only below opset ${PARSER_MIN_OPSET}); an op whose definition changed ` +
          `outside that range may still fail to import. If one does, re-export with ${fix}.`,
        fix,
        details,
      },
    ];
  }
  return [];
}
