/**
 * RESIZE_SEMANTICS: Upsample, or Resize below opset 11, in linear/cubic mode. Those ops have no
 * coordinate_transformation_mode: ONNX defines them with asymmetric coordinates (x_in = x_out / scale), while
 * PyTorch's F.interpolate(mode='bilinear', align_corners=False) samples at half-pixel centres
 * (x_in = (x_out + 0.5) / scale - 0.5). onnxruntime and TensorRT both follow ONNX, so the exported model silently
 * disagrees with PyTorch; and align_corners=True cannot be exported at all there (the seed's
 * "Unsupported: ONNX export of operator upsample_bilinear2d, align_corners == True"). Opset 11 added
 * coordinate_transformation_mode, which the exporter then sets to match PyTorch.
 * Nearest mode is not flagged: PyTorch's 'nearest' is the asymmetric floor both definitions share.
 */
import { constantValues, describeNode, nodeRef, stringAttribute } from '../graph';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

const INTERPOLATING = new Set(['linear', 'bilinear', 'trilinear', 'cubic', 'bicubic']);

export function checkResizeSemantics(ctx: RuleContext): Finding[] {
  const { g } = ctx;
  const findings: Finding[] = [];
  const target = Math.max(11, g.opset);
  const fix = `torch.onnx.export(..., opset_version=${target}) (opset 11 or later)`;
  for (const node of g.model.nodes) {
    if (node.domain !== '') continue;
    const isUpsample = node.opType === 'Upsample';
    const isOldResize = node.opType === 'Resize' && g.opset > 0 && g.opset < 11;
    if (!isUpsample && !isOldResize) continue;
    const mode = stringAttribute(node, 'mode') ?? 'nearest';
    if (!INTERPOLATING.has(mode)) continue;
    const scales = node.inputs[1] ? constantValues(g, node.inputs[1]) : undefined;
    const what = isUpsample ? `Upsample (opset ${g.opset})` : `Resize at opset ${g.opset}`;
    findings.push({
      code: 'RESIZE_SEMANTICS',
      severity: 'error',
      message:
        `${describeNode(node)} is ${what} in '${mode}' mode: before opset 11 ONNX has no coordinate_transformation_mode, ` +
        `so interpolation uses asymmetric coordinates (x_in = x_out / scale) instead of PyTorch's half-pixel centres ` +
        `(F.interpolate(..., align_corners=False): x_in = (x_out + 0.5) / scale - 0.5). onnxruntime and TensorRT follow ` +
        `ONNX, so outputs silently differ from PyTorch; align_corners=True cannot even be exported at this opset ` +
        `("Unsupported: ONNX export of operator upsample_bilinear2d, align_corners == True"). From opset 11, Resize ` +
        `records coordinate_transformation_mode 'half_pixel' / 'pytorch_half_pixel' (or 'align_corners'), which ` +
        `onnxruntime and TensorRT honour. Re-export with ${fix}.`,
      fix,
      node: nodeRef(node),
      details: { opset: g.opset, mode, ...(scales ? { scales } : {}) },
    });
  }
  return findings;
}
