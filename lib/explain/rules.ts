/**
 * The texts `explain` recognises, one rule each: a pattern, taken from what the real tool printed (test/fixtures/
 * explain: torch.onnx.export of PyTorch 2.11 with both exporters and older versions quoted in PyTorch issues,
 * onnxruntime-node and onnxruntime in Python, TensorRT logs quoted in TensorRT and onnx-tensorrt issues), and the
 * finding or note it amounts to, worded as `check` words it. onnxruntime's texts are recognised by
 * lib/diagnostics/ort-errors.ts, the same classifier check uses.
 */
import { OPERATOR_SUPPORT } from '../diagnostics/data/onnx-tensorrt-operators';
import type { Exporter } from '../diagnostics/graph';
import { DYNAMO_EXAMPLE_SIZES, axisLabel, exportCall, pyDynamicAxes, pyDynamicShapes, pyStr } from '../diagnostics/graph';
import { tracedIntFix } from '../diagnostics/rules/shape-not-dynamic';
import { trainingModeFix } from '../diagnostics/rules/training-mode';
import { importability } from '../diagnostics/rules/unsupported-op';
import { looksLikeParameterName } from '../diagnostics/rules/weights-as-inputs';
import type { Finding, FindingCode, Severity } from '../diagnostics/findings';
import { classifyOrtError } from '../diagnostics/ort-errors';
import type { ExplainNote, ExplainSource, ExplainedFinding } from './types';

export type Hit = { finding: ExplainedFinding } | { note: ExplainNote };

export interface TextContext {
  text: string;
  /** The exporter the text shows (its module paths and messages), when it shows one. */
  exporter?: Exporter;
}

/** The line of `text` around `index`, trimmed to what a person reads. */
export function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  const line = text.slice(start, end < 0 ? undefined : end).trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function found(
  source: ExplainSource,
  evidence: string,
  code: FindingCode,
  severity: Severity,
  message: string,
  fix: string,
  extra: Partial<Finding> = {},
): Hit {
  return { finding: { code, severity, message, fix, ...extra, source, evidence } };
}

function note(source: ExplainSource, evidence: string, message: string, fix?: string): Hit {
  return { note: { source, message, ...(fix ? { fix } : {}), evidence } };
}

/** Which exporter printed the text (dynamo=True prints "[torch.onnx] Obtain model graph ... torch.export"). */
export function exporterInText(text: string): Exporter | undefined {
  if (/\[torch\.onnx\] Obtain model graph|torch\.onnx\._internal\.exporter\.|torch\/onnx\/_internal\/exporter\/|torch\._dynamo\.exc|ConstraintViolationError|torch\.export\.export|dynamo=True/.test(text)) return 'dynamo';
  if (/torchscript_exporter|TorchScript-based ONNX export|torch\.onnx\.errors\.|symbolic_opset\d+|symbolic_helper|TracerWarning|ONNX export failed|onnx[\\/]utils\.py/.test(text)) return 'torchscript';
  return undefined;
}

function pytorchSource(ctx: TextContext): ExplainSource {
  return ctx.exporter === 'dynamo' ? 'torch.onnx.export (dynamo=True)' : ctx.exporter === 'torchscript' ? 'torch.onnx.export (dynamo=False)' : 'torch.onnx.export';
}

const RESIZE_FIX = `torch.onnx.export(..., opset_version=11) or later (or dynamo=True, which exports opset 18+), where Resize records coordinate_transformation_mode and matches F.interpolate`;

function resizeFinding(ctx: TextContext, evidence: string, what: string): Hit {
  return found(
    pytorchSource(ctx),
    evidence,
    'RESIZE_SEMANTICS',
    'error',
    `${what}: before opset 11 ONNX's Upsample/Resize has no coordinate_transformation_mode, so it cannot express PyTorch's ` +
      `interpolation (half-pixel centres for align_corners=False, corner alignment for align_corners=True): the export ` +
      `fails or the model silently disagrees with PyTorch in onnxruntime and TensorRT. Re-export with ${RESIZE_FIX}.`,
    RESIZE_FIX,
  );
}

type Rule = (ctx: TextContext) => Hit[];

/** Every match of `re` (global), each turned into hits. */
function each(re: RegExp, build: (m: RegExpExecArray, ctx: TextContext) => Hit | undefined): Rule {
  return (ctx) => {
    const hits: Hit[] = [];
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (let m = g.exec(ctx.text); m; m = g.exec(ctx.text)) {
      const h = build(m, ctx);
      if (h) hits.push(h);
    }
    return hits;
  };
}

const UPSAMPLE = /^_?upsample_(bilinear|bicubic|trilinear|linear|nearest)\w*$/;

export const PYTORCH_RULES: readonly Rule[] = [
  // Classic exporter, PyTorch 2.x: "Unsupported: ONNX export of operator upsample_bilinear2d, align_corners == True."
  // PyTorch 1.x: "ONNX export failed on upsample_bilinear2d because align_corners == True not supported".
  each(/ONNX export (?:of operator|failed on) (upsample_\w+)(?:,| because) align_corners == True/, (m, ctx) =>
    resizeFinding(ctx, lineAt(ctx.text, m.index), `F.interpolate(..., align_corners=True) (${m[1]}) cannot be exported at this opset`),
  ),
  // PyTorch 1.x: "RuntimeError: ONNX export failed: Couldn't export operator aten::upsample_bilinear2d".
  each(/Couldn't export operator (?:aten::)?(\w+)/, (m, ctx) =>
    UPSAMPLE.test(m[1])
      ? resizeFinding(ctx, lineAt(ctx.text, m.index), `The exporter could not express ${m[1]} (F.interpolate) at the chosen opset`)
      : unsupportedExport(ctx, lineAt(ctx.text, m.index), m[1], undefined, undefined),
  ),
  // "Exporting the operator 'aten::grid_sampler' to ONNX opset version 10 is not supported. Support for this operator
  //  was added in version 16, try exporting with this version."
  each(/Exporting the operator '?(?:aten::)?(\w+)'? to ONNX opset version (\d+) is not supported(?:\. Support for this operator was added in version (\d+))?/, (m, ctx) => {
    const opset = Number(m[2]);
    if (UPSAMPLE.test(m[1]) && !m[1].endsWith('_aa') && opset < 11) {
      return resizeFinding(ctx, lineAt(ctx.text, m.index), `${m[1]} (F.interpolate) cannot be exported at opset ${opset}`);
    }
    return unsupportedExport(ctx, lineAt(ctx.text, m.index), m[1], opset, m[3] ? Number(m[3]) : undefined);
  }),
  // The classic exporter's warning when it does export interpolation before opset 11.
  each(/You are trying to export the model with onnx:(Resize|Upsample) for ONNX opset version (\d+)\. This operator might cause results to not match/, (m, ctx) =>
    resizeFinding(ctx, lineAt(ctx.text, m.index), `F.interpolate was exported as ${m[1]} at opset ${m[2]}`),
  ),
  // "UserWarning: Provided key x for dynamic axes is not a valid input/output name"
  each(/Provided key (\S+) for dynamic axes is not a valid input\/output name/, (m, ctx) => {
    const fix = `key dynamic_axes by the names in input_names and output_names, e.g. input_names=['input'], dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}}`;
    return found(
      'torch.onnx.export (dynamo=False)',
      lineAt(ctx.text, m.index),
      'FIXED_DIM',
      'error',
      `dynamic_axes has the key ${pyStr(m[1])}, which is none of input_names/output_names: torch.onnx.export ignores such keys, ` +
        `so every dim of that input stays fixed at the example's size, and onnxruntime and TensorRT then reject other shapes ` +
        `("Got invalid dimensions for input"). Fix: ${fix}.`,
      fix,
      { details: { key: m[1] } },
    );
  }),
  // TracerWarning from the user's own code (torch's internals convert too: those lines are skipped).
  each(/^(.*): TracerWarning: Converting a tensor to a Python (integer|index)/m, (m, ctx) => {
    if (/[\\/]torch[\\/]/.test(m[1])) return undefined;
    const { fix, text } = tracedIntFix('torchscript');
    return found(
      'torch.onnx.export (dynamo=False)',
      lineAt(ctx.text, m.index),
      'SHAPE_NOT_DYNAMIC',
      'warning',
      `The tracer turned a tensor size into a Python ${m[2]} at ${m[1]}: that value is now a constant of the exported graph, so ` +
        `an axis declared in dynamic_axes cannot change it (typically a Reshape target: the model then runs only at the ` +
        `export size; trt-node check probes it). ${text}`,
      fix,
      { details: { location: m[1] } },
    );
  }),
  // dynamo=True: "UserWarning: Exporting a model while it is in training mode."; the classic exporter's
  // constant-folding warning names training=TrainingMode.TRAIN.
  each(/Exporting a model while it is in training mode|when exporting the model in training-amenable mode/, (m, ctx) => {
    const dynamo = /Exporting a model while it is in training mode/.test(m[0]);
    const fix = trainingModeFix(dynamo ? 'dynamo' : 'torchscript');
    return found(
      dynamo ? 'torch.onnx.export (dynamo=True)' : 'torch.onnx.export (dynamo=False)',
      lineAt(ctx.text, m.index),
      'TRAINING_MODE',
      'error',
      `The model was exported in training mode: Dropout keeps dropping and BatchNorm uses batch statistics at inference, so ` +
        `results depend on the batch and on chance, and TensorRT cannot import a training-mode Dropout. Fix: ${fix}.`,
      fix,
    );
  }),
  // dynamo=True: "DispatchError: No ONNX function found for <OpOverload(op='trtnode.fast_gelu', overload='default')>"
  each(/No ONNX function found for <OpOverload\(op='([\w.]+)', overload='(\w+)'\)>/, (m, ctx) => {
    const op = `torch.ops.${m[1]}.${m[2]}`;
    const fix =
      `give the exporter an ONNX implementation: torch.onnx.export(..., dynamo=True, custom_translation_table={${op}: fn}) ` +
      'with fn written in onnxscript from standard ONNX ops (which TensorRT imports), or rewrite the op with standard PyTorch ops';
    return found(
      'torch.onnx.export (dynamo=True)',
      lineAt(ctx.text, m.index),
      'UNSUPPORTED_OP',
      'error',
      `The exporter has no ONNX translation for ${op} (a custom or uncommon op), so the export stops. Fix: ${fix}.`,
      fix,
      { details: { op } },
    );
  }),
  // torch.export (dynamo=True): "Constraints violated (height)! ... inferred to be a constant (1792)" /
  // "... specialized it to be a constant".
  each(/Constraints violated \((\w+)\)!/, (m, ctx) => {
    const constant = /inferred to be a constant \((\d+)\)|specialized[^\n]*?constant \((\d+)\)/.exec(ctx.text);
    const value = constant ? constant[1] ?? constant[2] : undefined;
    const fix =
      `declare ${pyStr(m[1])} static — drop its torch.export.Dim from dynamic_shapes${value ? ` and feed ${value}` : ''} — when the ` +
      'architecture fixes it (a position embedding, a Linear over a flattened map); else compute the size from the tensor ' +
      '(x.shape) instead of a constant in forward()';
    return found(
      'torch.onnx.export (dynamo=True)',
      lineAt(ctx.text, m.index),
      'SHAPE_NOT_DYNAMIC',
      'error',
      `torch.export found that the model cannot vary ${pyStr(m[1])}, declared dynamic in dynamic_shapes: the code ties it to ` +
        `${value ? `the constant ${value}` : 'a constant'}. Fix: ${fix}.`,
      fix,
      { details: { dim: m[1], ...(value ? { value: Number(value) } : {}) } },
    );
  }),
  // Recognised, no pitfall of a model.
  each(/Setting ONNX exporter to use operator set version (\d+) because the requested opset_version (\d+) is a lower version/, (m, ctx) =>
    note(
      'torch.onnx.export (dynamo=True)',
      lineAt(ctx.text, m.index),
      `dynamo=True exports opset ${m[1]} or later: opset_version=${m[2]} is converted down only where the ONNX version ` +
        'converter can ("The model was not modified" means it kept the newer opset). The opset-10 interpolation mismatch does ' +
        'not apply to such a model; TensorRT 10.16 / 11.x import opsets 9 to 24.',
      `leave opset_version out (or set it to ${m[1]} or later) with dynamo=True`,
    ),
  ),
  each(/'dynamic_axes' is not recommended when dynamo=True/, (m, ctx) =>
    note(
      'torch.onnx.export (dynamo=True)',
      lineAt(ctx.text, m.index),
      'dynamo=True converts dynamic_axes to dynamic_shapes for you, and may refuse it ("Constraints violated").',
      "torch.onnx.export(..., dynamo=True, dynamic_shapes={'x': {0: torch.export.Dim('batch')}}), keyed by forward()'s argument names",
    ),
  ),
  each(/Could not guard on data-dependent expression ([^\n(]+)/, (m, ctx) =>
    note(
      'torch.onnx.export (dynamo=True)',
      lineAt(ctx.text, m.index),
      `torch.export met Python control flow on a tensor's value (${m[1].trim()}): a graph cannot branch on data that way.`,
      'use torch.cond for the branch, or move it out of the exported forward()',
    ),
  ),
];

function unsupportedExport(ctx: TextContext, evidence: string, op: string, opset: number | undefined, addedIn: number | undefined): Hit {
  const antialias = op.endsWith('_aa');
  const fix = antialias
    ? 'F.interpolate(..., antialias=False) (torchvision: transforms.Resize(..., antialias=False)); TensorRT cannot import antialiased Resize either'
    : addedIn
      ? `torch.onnx.export(..., opset_version=${addedIn}) or later, or dynamo=True`
      : 'torch.onnx.export(..., dynamo=True) (its translations cover more ops), a custom symbolic (torch.onnx.register_custom_op_symbolic) producing standard ops, or rewrite the op with supported ones';
  return found(
    pytorchSource(ctx),
    evidence,
    'UNSUPPORTED_OP',
    'error',
    `The exporter has no ONNX translation for aten::${op}${opset ? ` at opset ${opset}` : ''}${addedIn ? ` (ONNX supports it from opset ${addedIn})` : ''}` +
      `${antialias ? ': it is the antialiased interpolation (antialias=True)' : ''}. Fix: ${fix}.`,
    fix,
    { details: { op: `aten::${op}`, ...(opset ? { opset } : {}), ...(addedIn ? { addedIn } : {}) } },
  );
}

/**
 * onnxruntime's texts as they reach explain: with its own markers (a traceback, Node's error), or as `check` prints
 * them, without the "running X node" preamble: load failures ("cannot load the model: ...") and kernel messages.
 */
const ORT_TEXT = new RegExp(
  [
    /ONNXRuntimeError|onnxruntime|Got invalid dimensions|is missing in 'feeds'|Model requires \d+ inputs|Required inputs \(/,
    /is not a registered function\/op|Non-zero status code returned|Could not find an implementation for|Node input '[^']+' is not a graph input/,
    /cannot load the model|This is an invalid model|Unsupported model IR version|Opset \d+ is under development|Unsupported data type: \d+/,
    /cannot be reshaped to the requested shape|Attempting to broadcast an axis|MatMul dimension mismatch|GEMM: Dimension mismatch|Non concat axis dimensions must match/,
    /Input channels C is not equal to kernel channels|indices element out of data bounds|Invalid rank for input|Unexpected input data type/,
  ]
    .map((re) => re.source)
    .join('|'),
);

/** Operands that no longer fit once a "dynamic" axis changed (broadcast, MatMul/Gemm, Concat, a Conv's channels). */
const OPERANDS_MISMATCH = /Attempting to broadcast an axis by a dimension other than 1|[Dd]imension mismatch|Non concat axis dimensions must match|Input channels C is not equal to kernel channels/;

/** check's words for a run its generated values broke (lib/data/consumers.ts generatedDataMessage). */
const GENERATED_DATA = /the generated values of (.+?) do not fit '([^'\n]*)'/;

/** ONNX TensorProto.DataType numbers onnxruntime names in "Unsupported data type: N", for the ones it refuses. */
const ONNX_TYPE_NAMES: Readonly<Record<string, string>> = { '8': 'string', '14': 'complex64', '15': 'complex128', '16': 'bfloat16' };

/** The line that says what went wrong, in a traceback or log around an onnxruntime message. */
const ORT_KEY_LINES = [
  /Got invalid dimensions/,
  /Required inputs \(/,
  /is missing in 'feeds'/,
  /Model requires \d+ inputs/,
  /Node input '/,
  /is not a registered function\/op/,
  /Could not find an implementation/,
  /Non-zero status code returned/,
  /\[ONNXRuntimeError\]/,
];

/** onnxruntime's texts, through the classifier check uses (lib/diagnostics/ort-errors.ts). */
export function onnxruntimeHits(text: string): Hit[] {
  const generated = GENERATED_DATA.exec(text);
  if (generated) {
    return [
      note('trt-node check', lineAt(text, generated.index),
        `check generated the values of ${generated[1]} and they do not fit '${generated[2]}': the data is to blame, not the model (the node failed on values, not on the model's shapes).`,
        'feed real inputs (check --inputs in.npz) or give the input a range it fits (--range name:lo..hi)'),
    ];
  }
  if (!ORT_TEXT.test(text)) return [];
  const info = classifyOrtError(text);
  const key = ORT_KEY_LINES.map((re) => re.exec(text)).find((m) => m);
  const evidence = lineAt(text, key?.index ?? 0);
  const src: ExplainSource = 'onnxruntime';
  switch (info.kind) {
    case 'fixed-dim': {
      // Without the model its rank is unknown: axes 2 and 3 (and no higher) are an image's height and width, the
      // common case; batch (axis 0) has to vary with them as a rule, as check suggests.
      const image = info.dims.every((d) => d.axis <= 3) && info.dims.some((d) => d.axis >= 2);
      const label = (axis: number) => (axis === 0 ? 'batch' : image && axis >= 2 ? axisLabel(4, axis) : `dim_${axis}`);
      const axisList = [...new Set([0, ...info.dims.map((d) => d.axis)])].sort((a, b) => a - b).map((axis) => ({ axis, label: label(axis) }));
      const classic = `torch.onnx.export(..., input_names=[${pyStr(info.input)}, ...], dynamic_axes=${pyDynamicAxes([{ name: info.input, axes: axisList }])})`;
      const dynamo = `dynamic_shapes=${pyDynamicShapes([{ name: info.input, axes: axisList }])} ${DYNAMO_EXAMPLE_SIZES.fix}`;
      const fix = `${classic} (with dynamo=True: ${dynamo}), or feed ${info.dims.map((d) => `${d.expected} on axis ${d.axis}`).join(', ')}`;
      const parts = info.dims.map((d) => `axis ${d.axis} is fixed at ${d.expected} but was fed ${d.got}`).join('; ');
      return [
        found(src, evidence, 'FIXED_DIM', 'error',
          `Input ${pyStr(info.input)} has fixed dims: ${parts}. torch.onnx.export fixes every dim not named in dynamic_axes, ` +
            `keyed by input_names (dynamo=True: not declared in dynamic_shapes, keyed by forward()'s argument names, which ` +
            `may differ from the input's name here), so the model accepts only the export-time size. ` +
            `trt-node explain --model model.onnx (or trt-node check) names the model's own axes. Fix: ${fix}.`,
          fix, { input: info.input, axis: info.axis, details: { conflicts: info.dims } }),
      ];
    }
    case 'missing-inputs': {
      const params = info.missing.filter(looksLikeParameterName);
      const counted = info.required !== undefined && info.given !== undefined && info.required - info.given > 1;
      if (!params.length && !counted) {
        return [note(src, evidence, `onnxruntime was not fed the input(s) ${info.missing.map(pyStr).join(', ')}.`, 'feed every graph input by its name')];
      }
      const fix = 'torch.onnx.export(model, args, f, export_params=True, ...) (export_params=True is the default)';
      return [
        found(src, evidence, 'WEIGHTS_AS_INPUTS', 'error',
          `onnxruntime asks for ${info.required !== undefined ? `${info.required} inputs but was fed ${info.given}` : `inputs named like parameters (${params.slice(0, 5).map(pyStr).join(', ')})`}: ` +
            'the model takes its weights as inputs, which torch.onnx.export(..., export_params=False) does, and TensorRT would ' +
            `build an engine without them. Re-export with ${fix}.`,
          fix, { details: { missing: info.missing, ...(info.required !== undefined ? { required: info.required, given: info.given } : {}) } }),
      ];
    }
    case 'invalid-model':
      if (!info.danglingValue) return invalidModelHits(info, evidence);
      return [
        found(src, evidence, 'WEIGHTS_MISSING', 'error',
          `The model's nodes read ${pyStr(info.danglingValue)}, which nothing in the model provides: what ` +
            'torch.onnx.export(..., dynamo=True, export_params=False) writes (the weights left out, not made inputs). No feed can fix it.',
          `${exportCall('dynamo', 'export_params=True')} (the default), or onnx_program.save(f, include_initializers=True)`,
          { details: { value: info.danglingValue } }),
      ];
    case 'unsupported-op': {
      if (info.domain === 'ai.onnx.preview.training') {
        return [note(src, evidence, `${info.op} is an op of ONNX's training domain: no inference runtime runs it (nor TensorRT).`, 'export the inference graph only (model.eval(), no optimizer step in forward())')];
      }
      if (info.reason === 'no-kernel' && !info.domain && (info.opset ?? 99) < 7) {
        return [note(src, evidence, `onnxruntime has no kernel for ${info.op}(${info.opset}): the model uses an opset older than 7.`, 'torch.onnx.export(..., opset_version=11) or later')];
      }
      const trt = importability(info.domain, info.op);
      const fix = trt?.wayOut ?? 'implement it with standard ops in PyTorch, or provide a kernel (onnxruntime) and a plugin (TensorRT)';
      return [
        found(src, evidence, 'UNSUPPORTED_OP', 'error',
          `onnxruntime cannot run ${info.domain ? `${info.domain}::` : ''}${info.op}${trt ? `; TensorRT's parser cannot import it either: it is ${trt.reason}` : ''}. Way out: ${fix}.`,
          fix, { details: { op: info.op, domain: info.domain } }),
      ];
    }
    case 'reshape': {
      const { fix, text: why } = tracedIntFix(exporterInText(text) ?? 'torchscript');
      return [
        found(src, evidence, 'SHAPE_NOT_DYNAMIC', 'error',
          `A Reshape${info.nodeName ? ` ('${info.nodeName}')` : ''} cannot reshape {${(info.inputShape ?? []).join(',')}} to ` +
            `{${(info.requestedShape ?? []).join(',')}}: its target shape is a constant holding the export-time sizes. ${why}`,
          fix, { details: { node: info.nodeName, inputShape: info.inputShape, requestedShape: info.requestedShape } }),
      ];
    }
    case 'other': {
      if (OPERANDS_MISMATCH.test(text)) return [fixedSizeHit(src, evidence, info.nodeName ? `'${info.nodeName}' (${info.opType})` : 'a node')];
      const type = /Unsupported data type: (\d+)/.exec(text);
      if (type) {
        const name = ONNX_TYPE_NAMES[type[1]] ?? `ONNX type ${type[1]}`;
        return [note(src, evidence, `onnxruntime-node cannot carry ${name} tensors, so it cannot load a model with a ${name} input or output.`, `make the model's inputs and outputs float32 (cast inside forward(), e.g. return y.float()), then re-export`)];
      }
      if (/indices element out of data bounds/.test(text)) {
        return [note(src, evidence, 'An index fed to the model is outside the tensor it indexes (a Gather: token ids beyond the vocabulary, a class id beyond the table).', 'feed indices in range (0 ≤ index < the indexed size)')];
      }
      return [];
    }
    default:
      return [];
  }
}

/** A model onnxruntime refuses to load that no pitfall explains: a version too new, a type its kernels lack. */
function invalidModelHits(info: Extract<ReturnType<typeof classifyOrtError>, { kind: 'invalid-model' }>, evidence: string): Hit[] {
  const src: ExplainSource = 'onnxruntime';
  if (info.irVersion !== undefined) {
    const max = /max supported IR version: (\d+)/.exec(info.raw)?.[1];
    return [note(src, evidence, `The model's IR version ${info.irVersion} is newer than this onnxruntime reads${max ? ` (up to ${max})` : ''}.`, 'use a newer onnxruntime-node, or export with the PyTorch and onnx versions that match it')];
  }
  if (info.opset !== undefined) {
    const max = /support for domain ai\.onnx is till opset (\d+)/.exec(info.raw)?.[1];
    return [note(src, evidence, `The model uses opset ${info.opset}, which onnxruntime does not know${max ? ` (it knows up to ${max})` : ''}.`, `torch.onnx.export(..., opset_version=${max ?? 'an official opset'})`)];
  }
  if (info.opType && /Type Error/.test(info.raw)) {
    const type = /Type '([^']+)'/.exec(info.raw)?.[1];
    return [note(src, evidence, `onnxruntime has no ${info.opType} for ${type ?? 'this type'} (node '${info.nodeName}'): the model feeds the op a type the ONNX spec does not allow it.`, 'cast to a type the op takes inside forward() (x.float()), then re-export')];
  }
  return [note(src, evidence, `onnxruntime refuses the model as invalid: ${info.message}`, 're-export it; `trt-node check` on the model names the export pitfalls it knows')];
}

/** A node whose operands no longer fit once a "dynamic" axis changed: a fixed-size parameter, or traced sizes. */
function fixedSizeHit(source: ExplainSource, evidence: string, where: string): Hit {
  const fix =
    'declare that axis static (leave it out of dynamic_axes / drop its torch.export.Dim) and feed the export size; or make the ' +
    'parameter follow the input (interpolate a position embedding, pool to a fixed grid before a Linear); or, for a traced ' +
    'size, compute it from x.shape in forward()';
  return found(
    source,
    evidence,
    'SHAPE_NOT_DYNAMIC',
    'error',
    `${where} cannot combine its operands at this size: an axis declared dynamic meets a size fixed at export — a parameter of ` +
      'fixed shape (a learned position embedding added to tokens, a Linear over a flattened feature map), or a size traced as ' +
      `a constant. trt-node check on the model names which, and the node. Fix: ${fix}.`,
    fix,
  );
}

export const TENSORRT_RULES: readonly Rule[] = [
  // "No importer registered for op: Mish", "getPluginCreator could not find plugin: Custom version: 1",
  // '"Plugin not found, are the plugin name, version, and namespace correct?"' with "While parsing node number 2 [Custom -> ...]".
  (ctx) => {
    const m =
      /No importer registered for op: (\w+)/.exec(ctx.text) ??
      /getPluginCreator could not find plugin:? (\w+)/.exec(ctx.text) ??
      (/Plugin not found, are the plugin name, version, and namespace correct|plugin was not found in the plugin registry/.test(ctx.text)
        ? /While parsing node number \d+ \[(\w+)|operator: (\w+)/.exec(ctx.text)
        : null);
    if (!m) return [];
    const op = m[1] ?? m[2];
    const node = /While parsing node number (\d+) \[/.exec(ctx.text);
    const domain = /^domain: "([^"]+)"/m.exec(ctx.text)?.[1] ?? '';
    const support = domain ? undefined : OPERATOR_SUPPORT[op];
    const trt = importability(domain, op);
    let message: string;
    let fix: string;
    if (support?.supported) {
      fix = support.plugin
        ? `load TensorRT's plugin library (libnvinfer_plugin, initLibNvInferPlugins) before parsing`
        : `build with TensorRT ${support.since ?? '10.16 or 11.x'}, whose parser imports ${op} (onnx-tensorrt's operator matrix); or export the op as standard ONNX ops your TensorRT imports`;
      message =
        `TensorRT's parser could not import ${op}${node ? ` (node ${node[1]})` : ''}. ` +
        (support.plugin
          ? `It imports ${op} through the plugin '${support.plugin.name}', which was not loaded.`
          : `The TensorRT versions trt-node builds against import ${op}: this TensorRT is older, or the node is not ONNX's standard ${op}.`) +
        ` Fix: ${fix}.`;
    } else {
      fix = trt?.wayOut ?? 'implement it with standard ops in PyTorch, or register a TensorRT plugin of that name before parsing';
      message =
        `TensorRT's parser has no importer for ${domain ? `${domain}::` : ''}${op}${node ? ` (node ${node[1]})` : ''} and found no plugin of that name: ` +
        `${trt ? `it is ${trt.reason}` : 'a custom op'}. Way out: ${fix}.`;
    }
    return [found('TensorRT', lineAt(ctx.text, m.index), 'UNSUPPORTED_OP', 'error', message, fix, { details: { op, ...(domain ? { domain } : {}), ...(node ? { nodeIndex: Number(node[1]) } : {}) } })];
  },
  // "input_1: for dimension number 1 in profile 0 does not match network definition (got min=100, opt=1024,
  //  max=4096), expected min=opt=max=1024)"
  // The name starts a word (the lookbehind): tried from every position of a long word, the match would be quadratic.
  each(/(?<!\S)(\S+): for dimension number (\d+) in profile (\d+) does not match network definition \(got min=(\d+), opt=(\d+), max=(\d+)\), expected min=opt=max=(\d+)\)/, (m, ctx) => {
    const [input, axis, , min, , max, fixed] = [m[1], Number(m[2]), m[3], m[4], m[5], m[6], m[7]];
    const label = axis === 0 ? 'batch' : `dim_${axis}`;
    const fix =
      `torch.onnx.export(..., input_names=[${pyStr(input)}, ...], dynamic_axes={${pyStr(input)}: {${axis}: ${pyStr(label)}}}) ` +
      `(with dynamo=True: dynamic_shapes={${pyStr(input)}: {${axis}: torch.export.Dim(${pyStr(label)})}}), or a profile with min=opt=max=${fixed} on that axis`;
    return found('TensorRT', lineAt(ctx.text, m.index), 'FIXED_DIM', 'error',
      `Input ${pyStr(input)} has axis ${axis} fixed at ${fixed} in the model, but the optimization profile asks ${min} to ${max}: ` +
        `only dims the export left dynamic can vary in a TensorRT profile. Fix: ${fix}.`,
      fix, { input, axis, details: { fixed: Number(fixed), profile: [Number(min), Number(m[5]), Number(max)] } });
  }),
  each(/Static dimension mismatch while setting input shape/, (m, ctx) => {
    const fix = 're-export with the axis dynamic (dynamic_axes, or dynamic_shapes with dynamo=True) and build a profile covering the size, or feed the size the engine was built for';
    return found('TensorRT', lineAt(ctx.text, m.index), 'FIXED_DIM', 'error',
      `The engine has a static dim where the input shape differs: the model fixed it at export (torch.onnx.export fixes every dim ` +
        `not declared dynamic). Fix: ${fix}.`,
      fix);
  }),
  // "IShuffleLayer /Reshape: reshaping failed for tensor: /Concat_output_0 reshape would change volume 230976 to 76992"
  each(/IShuffleLayer (\S+): reshaping failed for tensor: \S+ reshape would change volume (\d+) to (\d+)/, (m, ctx) => {
    const { fix, text } = tracedIntFix('torchscript');
    return found('TensorRT', lineAt(ctx.text, m.index), 'SHAPE_NOT_DYNAMIC', 'error',
      `Reshape ${m[1]} cannot turn ${m[2]} elements into ${m[3]} at this profile size: its target shape holds the export-time ` +
        `sizes (or a product of them), so the axis declared dynamic cannot vary there. ${text}`,
      fix, { details: { node: m[1], volume: [Number(m[2]), Number(m[3])] } });
  }),
  // "(Add_430: dimensions not compatible for elementwise. Condition '==' violated: 5376 != 4725."
  each(/(?<![\w/.:])([\w/.:]+): dimensions not compatible for elementwise|broadcast with incompatible dimensions/, (m, ctx) =>
    fixedSizeHit('TensorRT', lineAt(ctx.text, m.index), m[1] ? `'${m[1]}'` : 'An elementwise layer'),
  ),
  each(/Your ONNX model has been generated with INT64 weights, while TensorRT does not natively support INT64/, (m, ctx) =>
    note('TensorRT', lineAt(ctx.text, m.index), 'TensorRT casts INT64 weights (shape constants, indices) to INT32: harmless unless a value exceeds INT32.'),
  ),
];
