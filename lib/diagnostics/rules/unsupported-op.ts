/**
 * UNSUPPORTED_OP: every node TensorRT's ONNX parser cannot import, all listed at once (the parser itself stops at the
 * first). Sources of truth: onnx-tensorrt's operator support matrix (../data/onnx-tensorrt-operators.ts), how its
 * importer dispatches (by op_type only, falling back to a TensorRT plugin of the same name — so a custom-domain op
 * imports only if such a plugin is registered, and ATen fallbacks never do), and the checks it makes on the nodes of
 * supported ops (../data/onnx-tensorrt-import-checks.ts, evaluated by ./import-checks.ts; the TensorRT stand-in's
 * parser enforces the same table). These are claims about TensorRT made
 * without running it: the report states them as "TensorRT import", apart from the numerics.
 */
import type { NodeSummary } from '../../onnx/types';
import { OPERATOR_SUPPORT, OPERATOR_SUPPORT_SOURCE } from '../data/onnx-tensorrt-operators';
import { describeNode, nodeRef, type GraphIndex } from '../graph';
import { failedImportChecks } from './import-checks';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

const TRT = `TensorRT ${OPERATOR_SUPPORT_SOURCE.tensorrtVersion}`;
const ATEN_DOMAINS = new Set(['org.pytorch.aten', 'aten']);
/** ONNX's own domain for training steps (optimizers, gradients): standard, but for training, not inference. */
const TRAINING_DOMAIN = 'ai.onnx.preview.training';

/** Ways out for unsupported standard ops that PyTorch users commonly hit. */
const OP_HINTS: Readonly<Record<string, string>> = {
  Unique: 'torch.unique has no TensorRT layer: compute it outside the engine (post-process the output in JavaScript) or write a plugin',
  NonZero: 'avoid data-dependent shapes (torch.nonzero / boolean-mask indexing): use torch.where with a fixed-size result',
  Bernoulli: 'random sampling at inference usually means training-mode code: call model.eval() before export',
  SequenceConstruct: 'lists of tensors export as ONNX sequences: return a tuple or torch.stack/torch.cat the list',
  SequenceAt: 'lists of tensors export as ONNX sequences: index a stacked tensor instead of a Python list',
  SequenceInsert: 'lists of tensors export as ONNX sequences: preallocate a tensor instead of appending to a list',
  SplitToSequence: 'torch.split/chunk kept as a list exports as a sequence: unpack it into a fixed number of tensors',
  ConcatFromSequence: 'concatenating a Python list built in a loop exports as a sequence: build a fixed number of tensors',
  Optional: 'Optional values are not importable: give the argument a tensor default instead of None',
  MaxUnpool: 'max_unpool2d has no TensorRT layer: use an upsampling (F.interpolate) or ConvTranspose2d instead',
  Det: 'torch.det has no TensorRT layer: compute it outside the engine or write a plugin',
  Col2Im: 'nn.Fold exports as Col2Im, which TensorRT does not import: rewrite it with reshape/permute or a ConvTranspose2d',
  AffineGrid: 'F.affine_grid exports as AffineGrid (opset 20): build the grid with arange/matmul ops instead',
  ConvInteger: 'integer convolution: quantize with QuantizeLinear/DequantizeLinear (QDQ) instead of integer ops',
  MatMulInteger: 'integer matmul: quantize with QuantizeLinear/DequantizeLinear (QDQ) instead of integer ops',
  QLinearConv: 'QOperator quantization: export QDQ (QuantizeLinear/DequantizeLinear) around float ops instead',
  QLinearMatMul: 'QOperator quantization: export QDQ (QuantizeLinear/DequantizeLinear) around float ops instead',
};

const GENERIC_WAY_OUT =
  'rewrite that part of the model with ops TensorRT imports (or compute it outside the engine), try another ' +
  'opset_version in torch.onnx.export, or register a TensorRT plugin implementing it';

interface Problem {
  node: NodeSummary;
  /** The op as written (domain::opType), or the op of a subgraph node under `node`. */
  op: string;
  reason: string;
  wayOut: string;
  severity: 'error' | 'warning';
  inSubgraph?: boolean;
}

function opName(domain: string, opType: string): string {
  return domain ? `${domain}::${opType}` : opType;
}

/** Why TensorRT's parser cannot import (domain, opType) — reason, way out, severity — or undefined when it can. */
export function importability(domain: string, opType: string): Omit<Problem, 'node' | 'op'> | undefined {
  if (opType === 'ATen' || ATEN_DOMAINS.has(domain)) {
    return {
      reason: 'an ATen fallback (PyTorch found no ONNX symbolic for this op, or operator_export_type=ONNX_ATEN_FALLBACK was used)',
      wayOut: 'export with the default operator_export_type, a newer opset_version that has a symbolic for the op, a custom symbolic (torch.onnx.register_custom_op_symbolic) producing standard ops, or rewrite the op in PyTorch',
      severity: 'error',
    };
  }
  if (domain === TRAINING_DOMAIN) {
    return {
      reason:
        `an op of ONNX's training domain '${TRAINING_DOMAIN}' (an optimizer update or a gradient): it belongs to a ` +
        'training graph, which neither TensorRT nor onnxruntime\'s inference build runs',
      wayOut:
        'export the inference graph only: model.eval(), and no optimizer step or torch.autograd.grad inside the ' +
        'exported forward()',
      severity: 'error',
    };
  }
  if (domain !== '') {
    const builtin = OPERATOR_SUPPORT[opType];
    if (builtin?.supported) {
      return {
        reason: `not an ONNX op; TensorRT's parser ignores the domain '${domain}' and would import it as the standard ${opType}, whose semantics may differ`,
        wayOut: `make sure '${domain}::${opType}' computes exactly what ONNX ${opType} does, or export the standard op instead`,
        severity: 'warning',
      };
    }
    return {
      reason: `a custom op (domain '${domain}'): TensorRT's parser has no importer for it and tries a TensorRT plugin named '${opType}', which fails unless you register one`,
      wayOut: `implement it with standard ops in PyTorch (drop the custom symbolic / autograd.Function.symbolic), or provide a TensorRT plugin named '${opType}' (IPluginCreator, loaded before parsing)`,
      severity: 'error',
    };
  }
  const support = OPERATOR_SUPPORT[opType];
  if (!support) {
    // The matrix lists every ONNX op through the newest opset TensorRT documents: anything else in the default
    // domain is no ONNX op at all, and the parser's only way left is a plugin of that name.
    const { max } = OPERATOR_SUPPORT_SOURCE.opsetRange;
    return {
      reason:
        `no op of the standard ONNX domain (no opset up to ${max}, the newest ${TRT} documents, defines '${opType}'), so ` +
        `TensorRT's parser has no importer for it and tries a TensorRT plugin named '${opType}', which fails unless you register one`,
      wayOut:
        `if it is a custom op, give it a domain of its own and provide a TensorRT plugin named '${opType}' (IPluginCreator, ` +
        `loaded before parsing); otherwise ${GENERIC_WAY_OUT}`,
      severity: 'error',
    };
  }
  if (!support.supported) {
    return {
      reason: `marked unsupported in onnx-tensorrt's operator support matrix (TensorRT ${OPERATOR_SUPPORT_SOURCE.matrixVersion}; TensorRT's changelog adds no support for it through 11.1)`,
      wayOut: OP_HINTS[opType] ?? GENERIC_WAY_OUT,
      severity: 'error',
    };
  }
  if (support.since) {
    return {
      reason: `imported only by TensorRT ${support.since} and later (added after the ${OPERATOR_SUPPORT_SOURCE.matrixVersion} matrix, per TensorRT's changelog): an engine build with TensorRT 10 fails`,
      wayOut: `build with TensorRT ${support.since} or later, or ${GENERIC_WAY_OUT}`,
      severity: 'warning',
    };
  }
  if (support.plugin) {
    // trt-node loads TensorRT's plugin library next to libnvinfer (lib/trt/plugins.ts): supported where it loaded.
    // Required here, not at the top: only a model with such an op loads the addon to ask.
    const plugins = (require('../../trt/plugins') as typeof import('../../trt/plugins')).tensorrtPluginStatus();
    if (plugins?.loaded) return undefined;
    const via = `imported through the TensorRT plugin '${support.plugin.name}'${support.plugin.when ? ` (${support.plugin.when})` : ''}, not a built-in layer`;
    if (plugins) {
      return {
        reason: `${via}, and TensorRT's plugin library did not load here (${plugins.path ?? 'libnvinfer_plugin'}: ${plugins.error ?? 'not found'}), so the import fails`,
        wayOut: 'install TensorRT with its plugin library (libnvinfer_plugin next to libnvinfer; `trt-node doctor` says what was tried), or replace the op',
        severity: 'error',
      };
    }
    return {
      reason: `${via}: the import needs TensorRT's plugin library (libnvinfer_plugin), which trt-node loads next to libnvinfer — no TensorRT here to tell whether it will load`,
      wayOut: 'make sure libnvinfer_plugin is installed next to libnvinfer on the machine that builds (`trt-node doctor` there says whether it loads), or replace the op',
      severity: 'warning',
    };
  }
  return undefined;
}

function collectProblems(g: GraphIndex): Problem[] {
  const problems: Problem[] = [];
  for (const node of g.model.nodes) {
    const own = importability(node.domain, node.opType);
    if (own) problems.push({ node, op: opName(node.domain, node.opType), ...own });
    // onnx-tensorrt's checks of a supported op's attributes and inputs (the table the TensorRT stand-in enforces).
    else {
      for (const { check, detail } of failedImportChecks(node, g)) {
        problems.push({
          node,
          op: node.opType,
          reason: `${node.opType} with ${detail}, which ${TRT}'s parser refuses ("${check.message}")`,
          wayOut: check.fix,
          severity: 'error',
        });
      }
    }
    // Subgraphs (If/Loop/Scan bodies): the summary keeps their op counts.
    for (const attr of Object.values(node.attributes)) {
      const graphs = attr.type === 'graph' ? [attr.value] : attr.type === 'graphs' ? attr.value : [];
      for (const sub of graphs) {
        for (const c of sub.nodeCounts) {
          const p = importability(c.domain, c.opType);
          if (p) problems.push({ node, op: opName(c.domain, c.opType), ...p, inSubgraph: true });
        }
      }
    }
  }
  return problems;
}

export function checkUnsupportedOps(ctx: RuleContext): Finding[] {
  const { g } = ctx;
  const findings: Finding[] = [];
  const problems = collectProblems(g);
  const total = problems.filter((p) => p.severity === 'error').length;
  for (const p of problems) {
    const where = p.inSubgraph ? `${p.op} inside a subgraph of ${describeNode(p.node)}` : describeNode(p.node);
    findings.push({
      code: 'UNSUPPORTED_OP',
      severity: p.severity,
      message:
        `${where} cannot be imported by TensorRT's ONNX parser: it is ${p.reason}.` +
        (p.severity === 'error' && total > 1 ? ` (${total} such nodes in this model, all listed.)` : '') +
        ` Way out: ${p.wayOut}.`,
      fix: p.wayOut,
      node: nodeRef(p.node),
      details: {
        op: p.op,
        ...(p.inSubgraph ? { inSubgraph: true } : {}),
        tensorrt: OPERATOR_SUPPORT_SOURCE.tensorrtVersion,
        table: `${OPERATOR_SUPPORT_SOURCE.repository} ${OPERATOR_SUPPORT_SOURCE.path} (TensorRT ${OPERATOR_SUPPORT_SOURCE.matrixVersion}) + ${OPERATOR_SUPPORT_SOURCE.changelog}`,
      },
    });
  }
  return findings;
}
