/**
 * Lints a Triton model configuration against the TensorRT engine it serves: every mismatch Triton would report only
 * when it loads the model, named with the config line to change. The rules are those of Triton core
 * (model_config_utils.cc: ValidateModelConfig, ValidateIOShape, ValidateInstanceGroup) and of the TensorRT backend
 * (model_state.cc, instance_state.cc: names, data types, dims compared with the engine's, max_batch_size against
 * the profiles' batch axis, the profiles an instance group selects), as triton-inference-server's sources state them.
 */
import { TritonConfigError } from '../errors';
import type { ReadTritonConfig, TritonModelConfig, TritonModelInput, TritonModelOutput } from './config';
import { readTritonConfig, TENSORRT_BACKEND, TENSORRT_MODEL_FILENAME, TENSORRT_PLATFORM, TRITON_DATA_TYPES, tritonDataType } from './config';
import { batchSupport, type EngineIO } from './engine-io';
import { sortTritonFindings, type TritonFinding, type TritonFindingCode, type TritonLintReport, type TritonSeverity } from './findings';
import type { EngineInputInfo, EngineTensorInfo } from '../trt/engine';

/** What the lint knows of the model's folder in the repository (lib/triton/repository.ts reads it). */
export interface ModelDirectory {
  /** The folder's name: Triton requires the config's `name` to equal it. */
  name: string;
  /** Its numeric version folders and the files in each. */
  versions: { version: string; files: string[] }[];
}

export interface TritonLintContext {
  /** The config file, for messages (default 'config.pbtxt'). */
  file?: string;
  directory?: ModelDirectory;
}

type Kind = 'input' | 'output';

/** Fields that change what Triton feeds the engine but that this lint does not follow. */
const NOT_CHECKED = ['sequence_batching', 'ensemble_scheduling', 'batch_input', 'batch_output', 'model_warmup'] as const;

const shapeText = (dims: readonly number[]) => `[${dims.join(',')}]`;
const dimsLine = (field: string, dims: readonly number[]) => `${field}: [ ${dims.join(', ')} ]`;

/** 'input[0].dims[2]' → 'input[0].dims' → 'input[0]' → 'input' → ''. */
function parentPath(path: string): string {
  const parent = path.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
  return parent === path ? '' : parent;
}

class Lint {
  readonly findings: TritonFinding[] = [];
  readonly model: string;

  constructor(readonly config: TritonModelConfig, private readonly locations: ReadTritonConfig['locations'], readonly io: EngineIO, directory?: ModelDirectory) {
    this.model = config.name || directory?.name || 'model';
  }

  /** The line of `path`, or of the nearest enclosing field written in the file. */
  lineOf(path: string): number | null {
    for (let p = path; p; p = parentPath(p)) {
      const at = this.locations.get(p);
      if (at) return at.line;
    }
    return null;
  }

  add(code: TritonFindingCode, severity: TritonSeverity, path: string, message: string, fix: string, extra: { tensor?: string; tritonError?: string } = {}): void {
    this.findings.push({ code, severity, line: this.lineOf(path), path, message, fix, ...extra });
  }
}

function checkPlatform(lint: Lint): void {
  const { platform = '', backend = '', default_model_filename: file = '' } = lint.config;
  if (platform && platform !== TENSORRT_PLATFORM) {
    lint.add('TRITON_PLATFORM', 'error', 'platform', `platform is "${platform}", but the model is a TensorRT plan: Triton would hand it to another backend`, `platform: "${TENSORRT_PLATFORM}"`);
  } else if (backend && backend !== TENSORRT_BACKEND) {
    lint.add('TRITON_PLATFORM', 'error', 'backend', `backend is "${backend}", but the model is a TensorRT plan`, `backend: "${TENSORRT_BACKEND}"`, {
      tritonError: `unexpected 'platform' and 'backend' pair, got:${platform}, ${backend}`,
    });
  } else if (!platform && !backend && file !== TENSORRT_MODEL_FILENAME) {
    lint.add(
      'TRITON_PLATFORM',
      'warning',
      'name',
      'neither platform nor backend is given: Triton takes the model for TensorRT only when its version folder holds a file named model.plan',
      `platform: "${TENSORRT_PLATFORM}"`,
    );
  }
}

function checkName(lint: Lint, directory: ModelDirectory | undefined): void {
  if (!directory || !lint.config.name || lint.config.name === directory.name) return;
  lint.add('TRITON_NAME', 'error', 'name', `name is "${lint.config.name}" but the config is in the folder "${directory.name}": Triton requires the model's name to be its folder's`, `name: "${directory.name}"`);
}

/** The profiles the instance groups select (Triton: none listed means profile 0), after checking each entry. */
function selectedProfiles(lint: Lint): number[] {
  const selected = new Set<number>();
  const groups = lint.config.instance_group ?? [];
  groups.forEach((group, g) => {
    (group.profile ?? []).forEach((text, k) => {
      const path = `instance_group[${g}].profile[${k}]`;
      const index = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(index)) {
        lint.add('TRITON_PROFILE_INVALID', 'error', path, `profile "${text}" is not a profile index: write the index as a string of digits ("0", "1", ...)`, `profile: [ ${profileList(lint.io.profileCount)} ]`, {
          tritonError: `unable to parse '${text}'`,
        });
      } else if (index >= lint.io.profileCount) {
        lint.add('TRITON_PROFILE_INVALID', 'error', path, `profile "${text}" does not exist: the engine has ${lint.io.profileCount} optimization profile${lint.io.profileCount === 1 ? '' : 's'} (0..${lint.io.profileCount - 1})`, `profile: [ ${profileList(lint.io.profileCount)} ]`, {
          tritonError: `unable to autofill for '${lint.model}', configuration specified invalid profile ${text} . Number of profiles supported by TensorRT engine: ${lint.io.profileCount}`,
        });
      } else {
        selected.add(index);
      }
    });
  });
  if (selected.size === 0) selected.add(0);
  const unused = Array.from({ length: lint.io.profileCount }, (_, i) => i).filter((i) => !selected.has(i));
  if (unused.length) {
    const path = groups.length ? (groups[0].profile?.length ? 'instance_group[0].profile' : 'instance_group[0]') : 'name';
    lint.add(
      'TRITON_PROFILE_UNUSED',
      'warning',
      path,
      `the engine has ${lint.io.profileCount} optimization profiles but the instance groups select ${[...selected].sort().join(', ')}${groups.every((g) => !g.profile?.length) ? ' (none listed: Triton uses profile 0 only)' : ''}: requests that only profile ${unused.join(', ')} can take fail`,
      `in each instance_group: profile: [ ${profileList(lint.io.profileCount)} ]`,
    );
  }
  return [...selected].sort((a, b) => a - b);
}

function profileList(count: number): string {
  return Array.from({ length: count }, (_, i) => `"${i}"`).join(', ');
}

function checkInstanceGroups(lint: Lint): void {
  (lint.config.instance_group ?? []).forEach((group, g) => {
    if (group.kind === 'KIND_CPU' || group.kind === 'KIND_MODEL') {
      lint.add('TRITON_INSTANCE_KIND', 'error', `instance_group[${g}].kind`, `instance group ${g} has kind ${group.kind}: the TensorRT backend runs plans on GPUs only${group.kind === 'KIND_MODEL' ? ' (KIND_MODEL is for its multi-device mode)' : ''}`, 'kind: KIND_GPU', {
        tritonError: `unable to load model '${lint.model}', TensorRT backend supports only GPU device`,
      });
    }
  });
}

/** The dims a config entry must give for `tensor` (the batch axis left out when max_batch_size > 0). */
function expectedDims(tensor: EngineTensorInfo, batching: boolean): number[] {
  return batching ? tensor.dims.slice(1) : [...tensor.dims];
}

function entryText(kind: Kind, tensor: EngineTensorInfo, batching: boolean): string {
  return `${kind} { name: "${tensor.name}" data_type: ${tritonDataType(tensor.type) ?? 'TYPE_INVALID'} ${dimsLine('dims', expectedDims(tensor, batching))} }`;
}

function checkDataType(lint: Lint, entry: TritonModelInput | TritonModelOutput, tensor: EngineTensorInfo, kind: Kind, path: string): void {
  const expected = tritonDataType(tensor.type);
  const given = entry.data_type;
  const fix = `data_type: ${expected ?? 'TYPE_INVALID'}`;
  if (expected === undefined) {
    lint.add('TRITON_DTYPE_UNSUPPORTED', 'error', `${path}.data_type`, `the engine's ${kind} "${tensor.name}" is ${tensor.type}, which Triton cannot exchange with a TensorRT model: rebuild the engine with ${kind}s of a type Triton has (float32, float16, bfloat16, int8, uint8, int32, int64, bool)`, fix, { tensor: tensor.name });
  } else if (given === undefined || given === 'TYPE_INVALID' || given === 0) {
    lint.add('TRITON_DTYPE_MISSING', 'warning', `${path}`, `${kind} "${tensor.name}" gives no data_type: Triton fills it from the plan only while auto-complete is on (the default; --disable-auto-complete-config refuses the model)`, fix, {
      tensor: tensor.name,
      tritonError: `model ${kind} '${tensor.name}' must specify 'data_type'`,
    });
  } else if (typeof given !== 'string' || !Object.values(TRITON_DATA_TYPES).includes(given)) {
    lint.add('TRITON_DTYPE_UNSUPPORTED', 'error', `${path}.data_type`, `data_type ${given} is not one the TensorRT backend supports; the engine's ${kind} "${tensor.name}" is ${tensor.type}`, fix, {
      tensor: tensor.name,
      tritonError: `unsupported datatype ${given} for ${kind} '${tensor.name}' for model '${lint.model}'`,
    });
  } else if (given !== expected) {
    lint.add('TRITON_DTYPE_MISMATCH', 'error', `${path}.data_type`, `data_type is ${given} but the engine's ${kind} "${tensor.name}" is ${tensor.type} (${expected})`, fix, {
      tensor: tensor.name,
      tritonError: `unexpected datatype ${expected} for inference ${kind} '${tensor.name}', expecting ${given} for ${lint.model}`,
    });
  }
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function checkDims(lint: Lint, entry: TritonModelInput | TritonModelOutput, tensor: EngineTensorInfo, kind: Kind, path: string, batching: boolean, profiles: readonly number[]): void {
  const dims = entry.dims ?? [];
  const expected = expectedDims(tensor, batching);
  const fix = dimsLine('dims', expected);
  if (dims.length === 0) {
    lint.add('TRITON_DIMS_MISSING', 'warning', path, `${kind} "${tensor.name}" gives no dims: Triton fills them from the plan only while auto-complete is on (the default)`, fix, {
      tensor: tensor.name,
      tritonError: `model ${kind} '${tensor.name}' must specify 'dims'`,
    });
    return;
  }
  const shapes: [string, readonly number[]][] = [[`${path}.dims`, dims]];
  if (entry.reshape) shapes.push([`${path}.reshape.shape`, entry.reshape.shape ?? []]);
  for (const [where, shape] of shapes) {
    const bad = shape.findIndex((d) => d < 1 && d !== -1);
    if (bad >= 0) {
      lint.add('TRITON_DIMS_INVALID', 'error', `${where}[${bad}]`, `${where.endsWith('shape') ? 'reshape' : 'dims'} of ${kind} "${tensor.name}" holds ${shape[bad]}: each dimension is ≥ 1, or -1 for a dynamic one`, fix, {
        tensor: tensor.name,
        tritonError: `model ${kind} '${tensor.name}' dimension must be integer >= 1, or -1 to indicate a variable-size dimension`,
      });
      return;
    }
  }
  // With a reshape, the engine sees the reshaped tensor: that is what its dims are compared with.
  const [comparePath, compared] = shapes[shapes.length - 1];
  if (entry.reshape && !dims.includes(-1) && !compared.includes(-1) && product(dims) !== product(compared)) {
    lint.add('TRITON_RESHAPE', 'error', `${path}.reshape`, `${kind} "${tensor.name}": dims ${shapeText(dims)} hold ${product(dims)} elements but reshape ${shapeText(compared)} holds ${product(compared)}`, `reshape { ${dimsLine('shape', expected)} }`, { tensor: tensor.name });
    return;
  }
  if (batching && tensor.dims.length === 0) return; // a scalar cannot batch: TRITON_BATCH_AXIS says so
  const full = batching ? [-1, ...compared] : [...compared];
  const fixLine = entry.reshape ? `reshape { ${dimsLine('shape', expected)} }` : fix;
  if (full.length !== tensor.dims.length) {
    const hint = !batching && full.length === tensor.dims.length - 1
      ? ': max_batch_size is 0, so dims list every axis, the first too (or set max_batch_size > 0 if the first axis is the batch)'
      : batching && full.length === tensor.dims.length + 1
        ? ': max_batch_size > 0 adds the batch axis in front, so dims leave it out'
        : '';
    lint.add('TRITON_DIMS_RANK', 'error', comparePath, `${kind} "${tensor.name}" has ${tensor.dims.length} axes in the engine ${shapeText(tensor.dims)} but the config gives ${compared.length}${batching ? ' after the batch axis' : ''}${hint}`, fixLine, {
      tensor: tensor.name,
      tritonError: `model '${lint.model}', tensor '${tensor.name}': the model expects ${tensor.dims.length} dimensions (shape ${shapeText(tensor.dims)}) but the model configuration specifies ${full.length} dimensions${batching ? ` (an initial batch dimension because max_batch_size > 0 followed by the explicit tensor shape, making complete shape ${shapeText(full)})` : ` (shape ${shapeText(full)})`}`,
    });
    return;
  }
  const offset = batching ? 1 : 0;
  const differing = full.map((_, k) => k).filter((k) => k >= offset && tensor.dims[k] !== -1 && full[k] !== -1 && tensor.dims[k] !== full[k]);
  if (differing.length) {
    const axes = differing.map((k) => `axis ${k} is ${tensor.dims[k]} in the engine, ${full[k]} in the config`).join('; ');
    lint.add('TRITON_DIMS_MISMATCH', 'error', `${comparePath}[${differing[0] - offset}]`, `${kind} "${tensor.name}": ${axes} (engine ${shapeText(tensor.dims)})`, fixLine, {
      tensor: tensor.name,
      tritonError: `model '${lint.model}', tensor '${tensor.name}': the model expects ${tensor.dims.length} dimensions (shape ${shapeText(tensor.dims)}) but the model configuration specifies ${full.length} dimensions (shape ${shapeText(full)})`,
    });
    return;
  }
  if (kind !== 'input') return;
  const input = tensor as EngineInputInfo;
  for (const p of profiles) {
    const range = input.profiles[p];
    if (!range) continue;
    const outside = full.map((_, k) => k).find((k) => k >= offset && tensor.dims[k] === -1 && full[k] !== -1 && (full[k] < range.min[k] || full[k] > range.max[k]));
    if (outside !== undefined) {
      lint.add('TRITON_DIMS_PROFILE', 'error', `${comparePath}[${outside - offset}]`, `input "${tensor.name}" axis ${outside} is fixed at ${full[outside]} in the config, but profile ${p} takes ${range.min[outside]}..${range.max[outside]} there: give -1, or a size in that range`, fixLine, {
        tensor: tensor.name,
        tritonError: `model configuration specified invalid shape for input '${tensor.name}' for model ${lint.model}. Error details: model expected the shape of dimension ${outside} to be between ${range.min[outside]} and ${range.max[outside]} but received ${full[outside]}`,
      });
      return;
    }
  }
}

function checkTensors(lint: Lint, kind: Kind, batching: boolean, profiles: readonly number[]): void {
  const entries: (TritonModelInput | TritonModelOutput)[] = lint.config[kind] ?? [];
  const engine: readonly EngineTensorInfo[] = kind === 'input' ? lint.io.inputs : lint.io.outputs;
  const other: readonly EngineTensorInfo[] = kind === 'input' ? lint.io.outputs : lint.io.inputs;
  const unknownCode = kind === 'input' ? 'TRITON_INPUT_UNKNOWN' : 'TRITON_OUTPUT_UNKNOWN';
  const listed = new Set(entries.map((e) => e.name ?? ''));
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const path = `${kind}[${i}]`;
    const name = entry.name ?? '';
    const tensor = engine.find((t) => t.name === name);
    if (seen.has(name)) {
      lint.add('TRITON_IO_DUPLICATE', 'error', `${path}.name`, `${kind} "${name}" is configured twice`, `remove this ${kind} block`, { tensor: name, tritonError: `${kind} '${name}'  has already appeared as an input or output for ${lint.model}` });
      return;
    }
    seen.add(name);
    if (!tensor) {
      const free = engine.find((t) => !listed.has(t.name));
      const isOther = other.some((t) => t.name === name);
      lint.add(
        unknownCode,
        'error',
        name ? `${path}.name` : path,
        `${name ? `${kind} "${name}"` : `${kind} ${i} has no name and`} is not an ${kind} of the engine${isOther ? ` (it is one of its ${kind === 'input' ? 'outputs' : 'inputs'})` : ''}; the engine's ${kind}s are ${engine.map((t) => `"${t.name}"`).join(', ') || 'none'}`,
        free ? `name: "${free.name}"` : `remove this ${kind} block`,
        { tritonError: `unexpected inference ${kind} '${name}', allowed ${kind}s are: ${engine.map((t) => t.name).join(', ')}` },
      );
      return;
    }
    checkDataType(lint, entry, tensor, kind, path);
    checkDims(lint, entry, tensor, kind, path, batching, profiles);
  });
  const fedElsewhere = lint.config.batch_input !== undefined || lint.config.sequence_batching !== undefined;
  // None of this kind listed: Triton's auto-complete (on by default) fills them all from the plan; some listed: it
  // completes those only, and refuses the model for the rest.
  const filled = entries.length === 0;
  for (const tensor of engine) {
    if (listed.has(tensor.name)) continue;
    const severity = filled || (kind === 'input' && fedElsewhere) ? 'warning' : 'error';
    const why = filled
      ? `no ${kind} is configured, so Triton fills them from the plan while auto-complete is on (the default; --disable-auto-complete-config refuses the model)`
      : kind === 'input' && fedElsewhere
        ? 'unless batch_input or sequence_batching feeds it (not followed by this lint), Triton refuses a TensorRT model with an unconfigured input'
        : 'Triton refuses a TensorRT model with an input or output its config leaves out';
    lint.add(
      kind === 'input' ? 'TRITON_INPUT_MISSING' : 'TRITON_OUTPUT_MISSING',
      severity,
      // Where the block goes: beside the others of its kind, else beside the other kind's.
      entries.length ? kind : (lint.config[kind === 'input' ? 'output' : 'input'] ?? []).length ? (kind === 'input' ? 'output' : 'input') : 'name',
      `the engine's ${kind} "${tensor.name}" ${shapeText(tensor.dims)} is not configured: ${why}`,
      `add ${entryText(kind, tensor, batching)}`,
      { tensor: tensor.name, ...(severity === 'error' ? { tritonError: `expected configuration for ${kind} '${tensor.name}' for ${lint.model}` } : {}) },
    );
  }
}

function checkBatching(lint: Lint, profiles: readonly number[]): boolean {
  const given = lint.config.max_batch_size ?? 0;
  if (given < 0) {
    lint.add('TRITON_BATCH_INVALID', 'error', 'max_batch_size', `max_batch_size is ${given}: it is 0 (no batching) or the largest batch`, 'max_batch_size: 0', { tritonError: `'max_batch_size' must be non-negative value for ${lint.model}` });
    return false;
  }
  if (given === 0) return false;
  const tensors = [...lint.io.inputs.map((t) => ['input', t] as const), ...lint.io.outputs.map((t) => ['output', t] as const)];
  let axesOk = true;
  for (const [kind, t] of tensors) {
    const first = t.dims[0];
    if (first === -1 || (first === 1 && given === 1)) continue;
    axesOk = false;
    lint.add(
      'TRITON_BATCH_AXIS',
      'error',
      'max_batch_size',
      t.dims.length === 0
        ? `max_batch_size is ${given}, but ${kind} "${t.name}" is a scalar: there is no axis to batch along`
        : `max_batch_size is ${given}, so Triton stacks requests along the first axis, but the engine's ${kind} "${t.name}" has it fixed at ${first} ${shapeText(t.dims)}: set max_batch_size to 0 and list the full dims, or export the model with that axis dynamic`,
      'max_batch_size: 0',
      { tensor: t.name },
    );
  }
  if (!axesOk) return true;
  const support = batchSupport(lint.io, profiles);
  if (given > support.maxBatch) {
    lint.add('TRITON_BATCH_TOO_LARGE', 'error', 'max_batch_size', `max_batch_size is ${given} but the engine's profile${profiles.length === 1 ? '' : 's'} ${profiles.join(', ')} take${profiles.length === 1 ? 's' : ''} batches of at most ${support.maxBatch} (the max of the first axis)`, `max_batch_size: ${support.maxBatch}`, {
      tritonError: `autofill failed for model '${lint.model}': configuration specified max-batch ${given} but TensorRT engine only supports max-batch ${support.maxBatch}`,
    });
  }
  if (support.minBatch > 1) {
    lint.add('TRITON_BATCH_MIN', 'warning', 'max_batch_size', `the engine's profiles take batches of at least ${support.minBatch}: Triton sends batches of 1 and up, and those smaller fail at request time`, 'rebuild the engine with min batch 1 in its profiles', {});
  }
  return true;
}

function checkDynamicBatching(lint: Lint): void {
  const dynamic = lint.config.dynamic_batching;
  if (!dynamic) return;
  const max = lint.config.max_batch_size ?? 0;
  if (max <= 0) lint.add('TRITON_DYNAMIC_BATCHING_UNBATCHED', 'warning', 'dynamic_batching', 'dynamic_batching is set but max_batch_size is 0: requests are never batched', 'remove dynamic_batching, or set max_batch_size > 0');
  (dynamic.preferred_batch_size ?? []).forEach((size, i) => {
    if (size > 0 && size <= max) return;
    lint.add('TRITON_PREFERRED_BATCH', 'error', `dynamic_batching.preferred_batch_size[${i}]`, `preferred batch size ${size} is not in 1..max_batch_size (${max})`, `preferred_batch_size: [ ${max > 0 ? max : ''} ]`, {
      tritonError: size <= 0 ? `dynamic batching preferred size must be positive for ${lint.model}` : `dynamic batching preferred size must be <= max batch size for ${lint.model}`,
    });
  });
}

function checkRepository(lint: Lint, directory: ModelDirectory | undefined): void {
  if (!directory) return;
  const wanted = new Set([lint.config.default_model_filename || TENSORRT_MODEL_FILENAME, ...Object.values(lint.config.cc_model_filenames ?? {})]);
  if (directory.versions.length === 0) {
    lint.add('TRITON_PLAN_MISSING', 'warning', 'name', `the folder "${directory.name}" has no version folder (1/, 2/, ...): Triton finds no version to load`, `put the plan at ${directory.name}/1/${[...wanted][0]}`);
  } else if (!directory.versions.some((v) => v.files.some((f) => wanted.has(f)))) {
    lint.add('TRITON_PLAN_MISSING', 'warning', 'name', `no version folder of "${directory.name}" holds ${[...wanted].join(' or ')}`, `put the plan at ${directory.name}/${directory.versions[directory.versions.length - 1].version}/${[...wanted][0]}`);
  }
}

function checkNotFollowed(lint: Lint): void {
  const present = NOT_CHECKED.filter((f) => lint.config[f] !== undefined);
  if (present.length) lint.add('TRITON_NOT_CHECKED', 'info', present[0], `not checked against the engine by trt-node: ${present.join(', ')}`, 'none (Triton checks these when it loads the model)');
  const flagged = (['input', 'output'] as const).flatMap((kind) =>
    (lint.config[kind] ?? []).flatMap((e: TritonModelInput, i) => (e.is_shape_tensor || e.allow_ragged_batch || e.is_non_linear_format_io ? [`${kind}[${i}]`] : [])),
  );
  if (flagged.length) lint.add('TRITON_NOT_CHECKED', 'info', flagged[0], `is_shape_tensor, allow_ragged_batch and is_non_linear_format_io are not checked by trt-node (${flagged.join(', ')})`, 'none (Triton checks these when it loads the model)');
}

/** Lints a config already read (readTritonConfig) against the engine's IO. */
export function lintTritonConfig(read: ReadTritonConfig, io: EngineIO, context: TritonLintContext = {}): TritonLintReport {
  const lint = new Lint(read.config, read.locations, io, context.directory);
  checkPlatform(lint);
  checkName(lint, context.directory);
  checkInstanceGroups(lint);
  const profiles = selectedProfiles(lint);
  const batching = checkBatching(lint, profiles);
  const noIO = (read.config.input ?? []).length === 0 && (read.config.output ?? []).length === 0;
  if (noIO) {
    lint.add('TRITON_IO_FROM_PLAN', 'info', 'name', 'no input or output is configured: Triton fills them from the plan while auto-complete is on (the default)', 'write them out: trt-node export triton writes every one');
  } else {
    checkTensors(lint, 'input', batching, profiles);
    checkTensors(lint, 'output', batching, profiles);
  }
  checkDynamicBatching(lint);
  checkRepository(lint, context.directory);
  checkNotFollowed(lint);
  const findings = sortTritonFindings(lint.findings);
  return { pass: !findings.some((f) => f.severity === 'error'), file: context.file ?? 'config.pbtxt', findings };
}

/** Reads and lints config text: text Triton's parser refuses is one TRITON_SYNTAX finding at its line. */
export function lintTritonConfigText(text: string, io: EngineIO, context: TritonLintContext = {}): TritonLintReport {
  const file = context.file ?? 'config.pbtxt';
  let read: ReadTritonConfig;
  try {
    read = readTritonConfig(text, file);
  } catch (err) {
    if (!(err instanceof TritonConfigError)) throw err;
    const e = err;
    return {
      pass: false,
      file,
      findings: [{ code: 'TRITON_SYNTAX', severity: 'error', line: e.line, path: '', message: `column ${e.column}: ${e.reason}`, fix: 'correct the text at that line and column', tritonError: `failed to read text proto from ${file}` }],
    };
  }
  return lintTritonConfig(read, io, context);
}
