/**
 * TensorRT's ONNX parser operator support, transcribed from onnx-tensorrt's docs/operators.md ("Operator Support
 * Matrix": the Operator / Supported / Supported Types columns). Facts only; restrictions are paraphrased in
 * `RESTRICTIONS` below where a rule in lib/check uses them.
 *
 * Source: onnx-tensorrt's docs/operators.md for TensorRT 10.15 (the header reads "TensorRT 10.15 supports operators
 * in the inclusive range of opset 9 to opset 24"), the newest matrix the project's sources hold (read through the
 * code index, 2026-11-29). trt-node builds against TensorRT 10.16 and 11.x; what those add to the parser is taken
 * from the TensorRT OSS CHANGELOG.md (tag v11.1): 10.16 adds DistCollective (multi-device, a TensorRT-specific op),
 * 11.0 adds Swish and the TensorRT-domain ops TRT_Attention, TRT_MoE and TRT_KVCacheUpdate, 11.1 extends
 * TRT_Attention; none removes an ONNX op. Ops added after 10.15 carry `since`. Update all of this together when
 * transcribing a newer table.
 */

export interface OperatorSupportSource {
  repository: string;
  path: string;
  /** The TensorRT release whose matrix was transcribed. */
  matrixVersion: string;
  /** Where the changes after that release come from. */
  changelog: string;
  /** The TensorRT versions trt-node builds against, which the table describes. */
  tensorrtVersion: string;
  /** The ai.onnx opset range the document states TensorRT accepts (inclusive). */
  opsetRange: { min: number; max: number };
}

export const OPERATOR_SUPPORT_SOURCE: OperatorSupportSource = {
  repository: 'https://github.com/onnx/onnx-tensorrt',
  path: 'docs/operators.md',
  matrixVersion: '10.15',
  changelog: 'https://github.com/NVIDIA/TensorRT/blob/v11.1/CHANGELOG.md',
  tensorrtVersion: '10.16 / 11.x',
  opsetRange: { min: 9, max: 24 },
};

export interface OperatorSupport {
  supported: boolean;
  /** Data types listed as supported (FP32, FP16, BF16, INT32, INT64, BOOL, ...); absent for unsupported ops. */
  types?: string[];
  /** The TensorRT version that added the op after the transcribed matrix (from the changelog). */
  since?: string;
  /**
   * The op is imported through a TensorRT plugin, not a built-in layer (onnx-tensorrt's importer creates it from the
   * plugin registry): the build fails unless TensorRT's plugin library is loaded (initLibNvInferPlugins).
   */
  plugin?: { name: string; when?: string };
}

/** ai.onnx op type -> support, in the table's spelling. */
export const OPERATOR_SUPPORT: Readonly<Record<string, OperatorSupport>> = {
  Abs: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Acos: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Acosh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Add: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  AffineGrid: { supported: false },
  And: { supported: true, types: ['BOOL'] },
  ArgMax: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ArgMin: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Asin: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Asinh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Atan: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Atanh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Attention: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT8', 'FP8'] },
  AveragePool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  BatchNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Bernoulli: { supported: false },
  BitShift: { supported: false },
  BitwiseAnd: { supported: false },
  BitwiseNot: { supported: false },
  BitwiseOr: { supported: false },
  BitwiseXor: { supported: false },
  BlackmanWindow: { supported: true, types: ['FP32', 'FP16'] },
  Cast: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'UINT8', 'BOOL'] },
  CastLike: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'UINT8', 'BOOL'] },
  Ceil: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Celu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  CenterCropPad: { supported: false },
  Clip: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Col2Im: { supported: false },
  Compress: { supported: false },
  Concat: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  ConcatFromSequence: { supported: false },
  Constant: { supported: true, types: ['FP32', 'FP16', 'BF16', 'FP8', 'FP4', 'INT4', 'INT32', 'INT64', 'BOOL'] },
  ConstantOfShape: { supported: true, types: ['FP32', 'FP16', 'BF16', 'FP8', 'FP4', 'INT4', 'INT32', 'INT64', 'BOOL'] },
  Conv: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  ConvInteger: { supported: false },
  ConvTranspose: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Cos: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Cosh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  CumSum: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  DeformConv: { supported: true, types: ['FP32', 'FP16'], plugin: { name: 'ModulatedDeformConv2d' } },
  DepthToSpace: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  DequantizeLinear: { supported: true, types: ['INT8', 'FP8', 'FP4', 'INT4'] },
  Det: { supported: false },
  DFT: { supported: false },
  Div: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Dropout: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  DynamicQuantizeLinear: { supported: false },
  Einsum: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Elu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Equal: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Erf: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Exp: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Expand: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  EyeLike: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Flatten: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Floor: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Gather: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  GatherElements: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  GatherND: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Gelu: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT8', 'INT32', 'INT64'] },
  Gemm: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  GlobalAveragePool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  GlobalLpPool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  GlobalMaxPool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Greater: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  GreaterOrEqual: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  GridSample: { supported: true, types: ['FP32', 'FP16'] },
  GroupNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  GRU: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  HammingWindow: { supported: true, types: ['FP32', 'FP16'] },
  HannWindow: { supported: true, types: ['FP32', 'FP16'] },
  Hardmax: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  HardSigmoid: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  HardSwish: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Identity: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  If: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  ImageDecoder: { supported: false },
  ImageScaler: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  InstanceNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  IsInf: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  IsNaN: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  LayerNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  LeakyRelu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Less: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  LessOrEqual: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Log: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  LogSoftmax: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Loop: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  LpNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  LpPool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  LRN: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  LSTM: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  MatMul: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  MatMulInteger: { supported: false },
  Max: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  MaxPool: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  MaxRoiPool: { supported: false },
  MaxUnpool: { supported: false },
  Mean: { supported: true, types: ['FP32', 'FP16', 'BF16', 'FP8', 'INT32', 'INT64'] },
  MeanVarianceNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  MelWeightMatrix: { supported: false },
  Min: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Mish: { supported: true, types: ['FP32', 'FP16'] },
  Mod: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Mul: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Multinomial: { supported: false },
  Neg: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  NegativeLogLikelihoodLoss: { supported: false },
  NonMaxSuppression: { supported: true, types: ['FP32', 'FP16'] },
  NonZero: { supported: true, types: ['FP32', 'FP16'] },
  Not: { supported: true, types: ['BOOL'] },
  OneHot: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Optional: { supported: false },
  OptionalGetElement: { supported: false },
  OptionalHasElement: { supported: false },
  Or: { supported: true, types: ['BOOL'] },
  Pad: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ParametricSoftplus: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Pow: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  PRelu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  QLinearConv: { supported: false },
  QLinearMatMul: { supported: false },
  QuantizeLinear: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RandomNormal: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RandomNormalLike: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RandomUniform: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RandomUniformLike: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Range: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Reciprocal: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  ReduceL1: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceL2: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceLogSum: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceLogSumExp: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceMax: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceMean: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceMin: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceProd: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceSum: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ReduceSumSquare: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  RegexFullMatch: { supported: false },
  Relu: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Reshape: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Resize: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  ReverseSequence: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  RMSNormalization: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RNN: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  RoiAlign: { supported: true, types: ['FP32', 'FP16'], plugin: { name: 'ROIAlign_TRT' } },
  RotaryEmbedding: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Round: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  ScaledTanh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Scan: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Scatter: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ScatterElements: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  ScatterND: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Selu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  SequenceAt: { supported: false },
  SequenceConstruct: { supported: false },
  SequenceEmpty: { supported: false },
  SequenceErase: { supported: false },
  SequenceInsert: { supported: false },
  SequenceLength: { supported: false },
  SequenceMap: { supported: false },
  Shape: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Shrink: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Sigmoid: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Sign: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Sin: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Sinh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Size: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Slice: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Softmax: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  SoftmaxCrossEntropyLoss: { supported: false },
  Softplus: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Softsign: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  SpaceToDepth: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Split: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  SplitToSequence: { supported: false },
  Sqrt: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Squeeze: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  STFT: { supported: true, types: ['FP32'] },
  StringConcat: { supported: false },
  StringNormalizer: { supported: false },
  StringSplit: { supported: false },
  Sub: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Sum: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Swish: { supported: true, since: '11.0' },
  Tan: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Tanh: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  TensorScatter: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32'] },
  TfIdfVectorizer: { supported: false },
  ThresholdedRelu: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Tile: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  TopK: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64'] },
  Transpose: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Trilu: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Unique: { supported: false },
  Unsqueeze: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Upsample: { supported: true, types: ['FP32', 'FP16', 'BF16'] },
  Where: { supported: true, types: ['FP32', 'FP16', 'BF16', 'INT32', 'INT64', 'BOOL'] },
  Xor: { supported: true, types: ['BOOL'] },
};

/**
 * Attribute-level limits from the table's Restrictions column that decide whether a node imports at all
 * (paraphrased). Only the ones lib/check tests.
 */
export const RESTRICTIONS = {
  Resize: {
    modes: ['nearest', 'linear'],
    coordinateTransformationModes: ['half_pixel', 'pytorch_half_pixel', 'tf_half_pixel_for_nn', 'asymmetric', 'align_corners'],
    /** Antialiasing (opset 18 `antialias=1`) is not supported. */
    antialias: false,
  },
  /**
   * The table lists no restriction for Upsample; onnx-tensorrt's Upsample importer (and its op checker) accept
   * 'nearest', 'linear' and 'bilinear' (old exports), the last two as linear.
   */
  Upsample: {
    modes: ['nearest', 'linear', 'bilinear'],
  },
  /** MaxPool's second output (`Indices`) is not supported. */
  MaxPool: { indicesOutput: false },
  /** Dropout imports only when its training_mode input is an initializer that is false. */
  Dropout: { trainingModeMustBeFalseInitializer: true },
  /** TopK: "`sorted` must be 1" (10.15): unsorted top-k is not importable. */
  TopK: { sortedMustBe: 1 },
  /** LSTM: "`layout` attribute must be 0" (batch-first is not supported). */
  LSTM: { layoutMustBe: 0 },
  /** ScatterND: "`reduction` other than `none` is not supported". */
  ScatterND: { reduction: 'none' },
  /** AveragePool, MaxPool, LpPool: "`dilations` must be empty or all ones". */
  Pool: { ops: ['AveragePool', 'MaxPool', 'LpPool'], dilationsMustBeOnes: true },
} as const;
