/**
 * Small hand-made models for what TensorRT refuses (or takes) that trt-node's users meet: nodes onnx-tensorrt's
 * checks refuse (lib/diagnostics/data/onnx-tensorrt-import-checks.ts), named dimensions, UINT8/INT8/DOUBLE IO, old
 * opsets. Shared by the static-rule tests (no TensorRT) and the TensorRT suites, so both judge the same bytes.
 */
import type { NativeBuildOptions } from '../../lib/native/binding';
import { encodeModel, floatTensor, node, valueInfo, type Obj } from '../onnx/build-model';
import { addon } from './gpu-gate';

const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT64 = 7;
const BOOL = 9;
const DOUBLE = 11;

function int64Tensor(name: string, values: number[], dims = [values.length]): Obj {
  return { name, dims, data_type: INT64, raw_data: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
}

function boolConstant(output: string, value: boolean): Obj {
  return node('Constant', [], [output], { attribute: [{ name: 'value', type: 4, t: { dims: [], data_type: BOOL, raw_data: new Uint8Array([value ? 1 : 0]) } }] });
}

const intAttr = (name: string, i: number): Obj => ({ name, type: 2, i });
const strAttr = (name: string, s: string): Obj => ({ name, type: 3, s: Buffer.from(s) });
const intsAttr = (name: string, ints: number[]): Obj => ({ name, type: 7, ints });

/** Inputs a [n, 4] and b [n, 4] sharing the named dim 'n'; outputs ya = Relu(a), yb = Relu(b). */
export const NAMED_PAIR = encodeModel({
  nodes: [node('Relu', ['a'], ['ya']), node('Relu', ['b'], ['yb'])],
  inputs: [valueInfo('a', ['n', 4]), valueInfo('b', ['n', 4])],
  outputs: [valueInfo('ya', ['n', 4]), valueInfo('yb', ['n', 4])],
});

export interface RefusedModel {
  what: string;
  bytes: Uint8Array;
  /** onnx-tensorrt's message for it. */
  message: string;
  /** The node (index in the main graph) the parser reports. */
  node: number;
  /** The trt-node static rule that flags it (subgraph bodies: the summary keeps op counts only, no rule sees them). */
  rule: 'UNSUPPORTED_OP' | 'TRAINING_MODE' | null;
}

const image = (name: string) => valueInfo(name, [1, 1, 4, 4]);

/** One model per kind of check, each refused by onnx-tensorrt with `message`. */
export const REFUSED: RefusedModel[] = [
  {
    what: 'Resize with antialias=1 (a static check)',
    bytes: encodeModel({
      opsets: [{ domain: '', version: 18 }],
      nodes: [node('Resize', ['x', '', 'scales'], ['y'], { attribute: [strAttr('mode', 'linear'), intAttr('antialias', 1)] })],
      initializers: [floatTensor('scales', [4], [1, 1, 2, 2])],
      inputs: [image('x')],
      outputs: [valueInfo('y', [1, 1, 8, 8])],
    }),
    message: 'Antialiasing is not supported currently.',
    node: 0,
    rule: 'UNSUPPORTED_OP',
  },
  {
    what: "MaxPool's Indices output",
    bytes: encodeModel({
      opsets: [{ domain: '', version: 12 }],
      nodes: [node('Relu', ['x'], ['r']), node('MaxPool', ['r'], ['y', 'idx'], { attribute: [intsAttr('kernel_shape', [2, 2])] })],
      inputs: [image('x')],
      outputs: [valueInfo('y', [1, 1, 2, 2]), valueInfo('idx', [1, 1, 2, 2], INT64)],
    }),
    message: "This version of TensorRT doesn't support mode than 1 outputs for MaxPool nodes!",
    node: 1,
    rule: 'UNSUPPORTED_OP',
  },
  {
    what: 'TopK with sorted=0 (an importer condition)',
    bytes: encodeModel({
      opsets: [{ domain: '', version: 11 }],
      nodes: [node('TopK', ['x', 'k'], ['v', 'i'], { attribute: [intAttr('sorted', 0)] })],
      initializers: [int64Tensor('k', [2])],
      inputs: [valueInfo('x', [3, 4])],
      outputs: [valueInfo('v', [3, 2]), valueInfo('i', [3, 2], INT64)],
    }),
    message: '`sorted` must be 1.',
    node: 0,
    rule: 'UNSUPPORTED_OP',
  },
  {
    what: 'ReduceMean whose axes are a graph input',
    bytes: encodeModel({
      opsets: [{ domain: '', version: 18 }],
      nodes: [node('ReduceMean', ['x', 'axes'], ['y'])],
      inputs: [valueInfo('x', [2, 3]), valueInfo('axes', [1], INT64)],
      outputs: [valueInfo('y', null)],
    }),
    message: '`axes` must be an initializer',
    node: 0,
    rule: 'UNSUPPORTED_OP',
  },
  {
    what: 'Dropout in training mode (training_mode a constant true)',
    bytes: encodeModel({
      opsets: [{ domain: '', version: 13 }],
      nodes: [boolConstant('mode', true), node('Dropout', ['x', '', 'mode'], ['y'])],
      inputs: [valueInfo('x', [2, 3])],
      outputs: [valueInfo('y', [2, 3])],
    }),
    message: 'TensorRT does not support the Dropout operator in training mode.',
    node: 1,
    rule: 'TRAINING_MODE',
  },
  {
    what: 'Dropout with is_test=0 at opset 6 (a check of opsets up to 6)',
    bytes: encodeModel({
      irVersion: 3,
      opsets: [{ domain: '', version: 6 }],
      nodes: [node('Dropout', ['x'], ['y'], { attribute: [intAttr('is_test', 0)] })],
      inputs: [valueInfo('x', [2, 3])],
      outputs: [valueInfo('y', [2, 3])],
    }),
    message: 'TensorRT does not support the Droupout operator with training mode.',
    node: 0,
    rule: 'UNSUPPORTED_OP',
  },
  {
    what: "a TopK with sorted=0 inside an If's then-branch (subgraph bodies are imported too)",
    bytes: encodeModel({
      opsets: [{ domain: '', version: 13 }],
      nodes: [
        node('If', ['cond'], ['out'], {
          attribute: [
            {
              name: 'then_branch',
              type: 5,
              g: {
                name: 'then',
                node: [node('TopK', ['x', 'k'], ['v', 'i'], { attribute: [intAttr('sorted', 0)] })],
                output: [valueInfo('v', [3, 2])],
              },
            },
            { name: 'else_branch', type: 5, g: { name: 'else', node: [node('Identity', ['xs'], ['w'])], output: [valueInfo('w', [3, 2])] } },
          ],
        }),
      ],
      initializers: [int64Tensor('k', [2]), floatTensor('xs', [3, 2])],
      inputs: [valueInfo('cond', [], BOOL), valueInfo('x', [3, 4])],
      outputs: [valueInfo('out', [3, 2])],
    }),
    message: '`sorted` must be 1.',
    node: 0,
    rule: null,
  },
];

/** A Resize in cubic mode: onnx-tensorrt's checker and importer take it (InterpolationMode::kCUBIC). */
export const CUBIC_RESIZE = encodeModel({
  opsets: [{ domain: '', version: 18 }],
  nodes: [node('Resize', ['x', '', 'scales'], ['y'], { attribute: [strAttr('mode', 'cubic')] })],
  initializers: [floatTensor('scales', [4], [1, 1, 2, 2])],
  inputs: [image('x')],
  outputs: [valueInfo('y', [1, 1, 8, 8])],
});

/** An opset-6 model: onnx-tensorrt warns ("at least opset 7") and imports it. */
export const OPSET6_RELU = encodeModel({
  irVersion: 3,
  opsets: [{ domain: '', version: 6 }],
  nodes: [node('Relu', ['x'], ['y'])],
  inputs: [valueInfo('x', [4])],
  outputs: [valueInfo('y', [4])],
});

/** A UINT8 input straight into Relu: no TensorRT layer but a conversion takes a UINT8 network input. */
export const UINT8_RELU = encodeModel({
  nodes: [node('Relu', ['x'], ['y'])],
  inputs: [valueInfo('x', [4], UINT8)],
  outputs: [valueInfo('y', [4], UINT8)],
});

/** A UINT8 tensor between two Casts: "TensorRT does not support UINT8 types for intermediate tensors". */
export const UINT8_INTERMEDIATE = encodeModel({
  nodes: [node('Cast', ['x'], ['u'], { attribute: [intAttr('to', UINT8)] }), node('Cast', ['u'], ['y'], { attribute: [intAttr('to', FLOAT)] })],
  inputs: [valueInfo('x', [4])],
  outputs: [valueInfo('y', [4])],
});

/** A UINT8 input cast to float first, as TensorRT takes it (an image as bytes). */
export const UINT8_CAST = encodeModel({
  nodes: [node('Cast', ['x'], ['f'], { attribute: [intAttr('to', FLOAT)] }), node('Relu', ['f'], ['y'])],
  inputs: [valueInfo('x', [4], UINT8)],
  outputs: [valueInfo('y', [4])],
});

/** An INT8 input in a network without Q/DQ layers. */
export const INT8_INPUT = encodeModel({
  nodes: [node('Cast', ['x'], ['f'], { attribute: [intAttr('to', FLOAT)] }), node('Relu', ['f'], ['y'])],
  inputs: [valueInfo('x', [4], INT8)],
  outputs: [valueInfo('y', [4])],
});

/** DOUBLE input and output with a dynamic batch: TensorRT's network carries them as FLOAT. */
export const DOUBLE_IO = encodeModel({
  nodes: [node('Relu', ['x'], ['y'])],
  inputs: [valueInfo('x', ['batch', 4], DOUBLE)],
  outputs: [valueInfo('y', ['batch', 4], DOUBLE)],
});

/**
 * The first of `messages()` matching `pattern`, waiting up to `ms` for it: TensorRT may log from its own threads, and
 * such a message reaches the JS log callback through its queue, possibly after the build's promise settled.
 */
export async function logLine(messages: () => readonly string[], pattern: RegExp, ms = 5000): Promise<string | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const found = messages().find((m) => pattern.test(m));
    if (found !== undefined || Date.now() > end) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A build through the raw addon (no TypeScript checks in front: what TensorRT itself does with the options), with
 * TensorRT's messages up to warnings collected in `log` (from any thread).
 */
export function rawBuild(bytes: Uint8Array, extra: Partial<NativeBuildOptions> = {}, log: string[] = []) {
  const options: NativeBuildOptions = {
    modelBytes: bytes,
    profiles: [],
    useTimingCache: false,
    config: {},
    stronglyTyped: false,
    logLevel: 2,
    ...extra,
  };
  return addon().buildEngine(options, (_severity, message) => log.push(message)).promise;
}
