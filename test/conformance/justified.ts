/**
 * The ONNX backend tests trt-node's check() cannot pass, each with the outcome it has and why that is not the
 * tool's fault (onnxruntime-node cannot run it, gets it wrong, or the test is random). The suite fails on any other
 * failure — and on an entry here whose test no longer fails that way: keep the list honest.
 */
import type { OutcomeKind } from '../../scripts/conformance/corpus';
import type { ToleranceOverrides } from '../../lib/compare';

export interface Justification {
  /** The outcome the test has. */
  kind: Exclude<OutcomeKind, 'pass' | 'threw' | 'blocked'>;
  reason: string;
  /** The outcome depends on the host (a locale it may have): a pass is fine too. */
  orPass?: boolean;
}

const NO_KERNEL = (what: string) => ({ kind: 'ort-load' as const, reason: `onnxruntime has no kernel for ${what}` });
const LOCALE = {
  kind: 'ort-load' as const,
  reason: 'StringNormalizer needs the en_US.UTF-8 locale, which this host lacks ("Failed to construct locale"); where the host has it, the test passes',
  orPass: true,
};

const PRE_OPSET_7 = (op: string) => ({ kind: 'ort-load' as const, reason: `${op}: onnxruntime has no kernel for op versions before opset 7` });
const TRAINING_DOMAIN = {
  kind: 'ort-load' as const,
  reason: "ai.onnx.preview.training op (an optimizer or gradient step): onnxruntime's inference build does not register it (onnxruntime's own backend-test filter skips these)",
};
const RANDOM = (what: string) => ({ kind: 'mismatch' as const, reason: `random ${what}: the reference was drawn with numpy's generator, onnxruntime uses its own (even with a seed)` });
const BATCHWISE = { kind: 'ort-load' as const, reason: 'onnxruntime: "Batchwise recurrent operations (layout == 1) are not supported"' };
const SEQUENCE = { kind: 'unconvertible' as const, reason: "sequence or optional values: onnxruntime-node's API takes and returns tensors only" };
const BFLOAT16 = { kind: 'unconvertible' as const, reason: "bfloat16: numpy has no such dtype and onnxruntime-node's JS API no bfloat16 tensor" };

function each<T>(ids: string[], value: T): [string, T][] {
  return ids.map((id) => [id, value]);
}

export const JUSTIFIED: ReadonlyMap<string, Justification> = new Map<string, Justification>([
  // onnxruntime cannot load these.
  ...each(
    ['node/test_adagrad', 'node/test_adagrad_multiple', 'node/test_adam', 'node/test_adam_multiple', 'node/test_momentum', 'node/test_momentum_multiple', 'node/test_nesterov_momentum', 'simple/test_gradient_of_add', 'simple/test_gradient_of_add_and_mul'],
    TRAINING_DOMAIN,
  ),
  ...each(['node/test_gru_batchwise', 'node/test_lstm_batchwise', 'node/test_simple_rnn_batchwise'], BATCHWISE),
  ...each(
    ['pytorch-converted/test_AvgPool1d', 'pytorch-converted/test_AvgPool1d_stride', 'pytorch-converted/test_AvgPool2d', 'pytorch-converted/test_AvgPool2d_stride', 'pytorch-converted/test_AvgPool3d', 'pytorch-converted/test_AvgPool3d_stride', 'pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input'],
    PRE_OPSET_7('AveragePool(1)'),
  ),
  ...each(
    ['pytorch-converted/test_BatchNorm1d_3d_input_eval', 'pytorch-converted/test_BatchNorm2d_eval', 'pytorch-converted/test_BatchNorm2d_momentum_eval', 'pytorch-converted/test_BatchNorm3d_eval', 'pytorch-converted/test_BatchNorm3d_momentum_eval'],
    PRE_OPSET_7('BatchNormalization(6)'),
  ),
  ...each(['pytorch-converted/test_GLU', 'pytorch-converted/test_GLU_dim', 'pytorch-converted/test_PoissonNLLLLoss_no_reduce'], PRE_OPSET_7('Mul(6)')),
  ...each(['pytorch-converted/test_Linear', 'pytorch-operator/test_operator_addmm', 'pytorch-operator/test_operator_mm'], PRE_OPSET_7('Gemm(6)')),
  ...each(
    ['pytorch-converted/test_PReLU_1d', 'pytorch-converted/test_PReLU_1d_multiparam', 'pytorch-converted/test_PReLU_2d', 'pytorch-converted/test_PReLU_2d_multiparam', 'pytorch-converted/test_PReLU_3d', 'pytorch-converted/test_PReLU_3d_multiparam'],
    PRE_OPSET_7('PRelu(6)'),
  ),
  ...each(
    ['pytorch-converted/test_Softsign', 'pytorch-operator/test_operator_add_broadcast', 'pytorch-operator/test_operator_add_size1_broadcast', 'pytorch-operator/test_operator_add_size1_right_broadcast', 'pytorch-operator/test_operator_add_size1_singleton_broadcast', 'pytorch-operator/test_operator_addconstant', 'pytorch-operator/test_operator_basic', 'pytorch-operator/test_operator_non_float_params', 'pytorch-operator/test_operator_params'],
    PRE_OPSET_7('Add(6)'),
  ),
  ['pytorch-operator/test_operator_pow', PRE_OPSET_7('Pow(1)')],
  // onnxruntime runs these and disagrees with the reference, for reasons that are not trt-node's.
  ...each(['node/test_bernoulli', 'node/test_bernoulli_double', 'node/test_bernoulli_double_expanded', 'node/test_bernoulli_expanded', 'node/test_bernoulli_seed', 'node/test_bernoulli_seed_expanded'], RANDOM('Bernoulli draws')),
  ...each(['node/test_training_dropout', 'node/test_training_dropout_default', 'node/test_training_dropout_default_mask', 'node/test_training_dropout_mask'], RANDOM('training-mode dropout mask')),
  ['node/test_maxunpool_export_with_output_shape', { kind: 'mismatch', reason: 'onnxruntime result mismatch, listed as such in onnxruntime\'s onnx_backend_test_series_filters.jsonc' }],
  ...each(['node/test_resize_downsample_scales_cubic_align_corners', 'node/test_resize_downsample_scales_linear_align_corners'], {
    kind: 'mismatch' as const,
    reason: "onnxruntime and the ONNX 1.12 reference disagree on align_corners downsampling (fractional vs integer resized length); onnxruntime's filter lists it",
  }),
  // Values the tool cannot carry.
  ...each(
    ['node/test_identity_opt', 'node/test_identity_sequence', 'node/test_if_opt', 'node/test_if_seq', 'node/test_loop13_seq', 'node/test_loop16_seq_none', 'node/test_optional_get_element', 'node/test_optional_get_element_sequence', 'node/test_optional_has_element', 'node/test_optional_has_element_empty', 'node/test_sequence_insert_at_back', 'node/test_sequence_insert_at_front'],
    SEQUENCE,
  ),
  ...each(
    [
      'node/test_sequence_map_add_1_sequence_1_tensor', 'node/test_sequence_map_add_1_sequence_1_tensor_expanded', 'node/test_sequence_map_add_2_sequences', 'node/test_sequence_map_add_2_sequences_expanded',
      'node/test_sequence_map_extract_shapes', 'node/test_sequence_map_extract_shapes_expanded', 'node/test_sequence_map_identity_1_sequence', 'node/test_sequence_map_identity_1_sequence_1_tensor',
      'node/test_sequence_map_identity_1_sequence_1_tensor_expanded', 'node/test_sequence_map_identity_1_sequence_expanded', 'node/test_sequence_map_identity_2_sequences', 'node/test_sequence_map_identity_2_sequences_expanded',
    ],
    SEQUENCE,
  ),
  ...each(['node/test_cast_BFLOAT16_to_FLOAT', 'node/test_cast_FLOAT_to_BFLOAT16', 'node/test_castlike_BFLOAT16_to_FLOAT', 'node/test_castlike_BFLOAT16_to_FLOAT_expanded', 'node/test_castlike_FLOAT_to_BFLOAT16', 'node/test_castlike_FLOAT_to_BFLOAT16_expanded'], BFLOAT16),
  // Element types onnxruntime-node reads but has no kernel for, and its float-to-string formatting.
  ...each(['node/test_cast_FLOAT_to_STRING', 'node/test_castlike_FLOAT_to_STRING', 'node/test_castlike_FLOAT_to_STRING_expanded'], {
    kind: 'mismatch' as const,
    reason: 'onnxruntime formats floats with more digits than numpy ("0.60484552" vs "0.6048455"); onnxruntime lists test_cast_FLOAT_to_STRING as failing',
  }),
  ...each(['node/test_bitshift_left_uint16', 'node/test_bitshift_right_uint16'], NO_KERNEL('BitShift on uint16')),
  ...each(['node/test_max_int16', 'node/test_max_uint16', 'node/test_min_int16', 'node/test_min_uint16'], NO_KERNEL('Max/Min on 16-bit integers')),
  ...each(['node/test_pow_types_float32_uint32', 'node/test_pow_types_float32_uint64'], NO_KERNEL('Pow with an unsigned exponent')),
  ...each(
    [
      'node/test_strnormalizer_export_monday_casesensintive_lower', 'node/test_strnormalizer_export_monday_casesensintive_upper', 'node/test_strnormalizer_export_monday_empty_output', 'node/test_strnormalizer_export_monday_insensintive_upper_twodim',
      'simple/test_strnorm_model_monday_casesensintive_lower', 'simple/test_strnorm_model_monday_casesensintive_upper', 'simple/test_strnorm_model_monday_empty_output', 'simple/test_strnorm_model_monday_insensintive_upper_twodim',
    ],
    LOCALE,
  ),
]);

/** Tolerances for tests whose references need more than the defaults, each with why. */
export const TOLERANCES: ReadonlyMap<string, { tolerance: ToleranceOverrides; reason: string }> = new Map([
  ...(['node/test_dft', 'node/test_dft_axis'] as const).map(
    (id) =>
      [
        id,
        {
          tolerance: { atol: 1e-3 },
          reason: "float32 FFT: max|y| is 540, onnxruntime's error ~3e-4 (6e-7 of the scale) lands where the true value is ~0",
        },
      ] as const,
  ),
]);

/** Error-severity findings that are right on a conformance model (beyond UNSUPPORTED_OP, TensorRT claims). */
export const EXPECTED_ERRORS: ReadonlyMap<string, string[]> = new Map([
  ['node/test_batchnorm_epsilon_training_mode', ['TRAINING_MODE']],
  ['node/test_batchnorm_example_training_mode', ['TRAINING_MODE']],
]);

/**
 * Warnings beyond UNSUPPORTED_OP that are right on a conformance model: Dropout taking training_mode from an input,
 * and BatchNorm/InstanceNorm tests whose inputs are named like a bare module's state_dict ('bias' in a weight slot,
 * no initializer anywhere): export_params=False's signature, supplied here, so a warning.
 */
export const EXPECTED_WARNINGS: ReadonlyMap<string, string[]> = new Map([
  ...['node/test_training_dropout', 'node/test_training_dropout_default', 'node/test_training_dropout_default_mask', 'node/test_training_dropout_mask', 'node/test_training_dropout_zero_ratio', 'node/test_training_dropout_zero_ratio_mask'].map(
    (id) => [id, ['TRAINING_MODE']] as [string, string[]],
  ),
  ...['node/test_batchnorm_epsilon', 'node/test_batchnorm_epsilon_training_mode', 'node/test_batchnorm_example', 'node/test_batchnorm_example_training_mode', 'node/test_instancenorm_epsilon', 'node/test_instancenorm_example'].map(
    (id) => [id, ['WEIGHTS_AS_INPUTS']] as [string, string[]],
  ),
]);
