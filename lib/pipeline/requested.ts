/**
 * The probes someone asked for, validated against the model before anything runs: saved samples (their inputs
 * must be named like the model's inputs, with its dtypes and ranks; a reference must hold at least one output),
 * shape sets (--shapes: known inputs, right ranks, every dynamic input given), or, when nothing is asked, the
 * model's own sizes with defaults for dynamic dims. A shape that conflicts with a fixed dim is not run: the probe is
 * marked blocked and the static FIXED_DIM finding explains it.
 */
import { formatDims, shapeTag } from '../diagnostics/graph';
import { dimConflicts } from '../diagnostics/rules/fixed-dim';
import { InvalidValueError, ShapeError } from '../errors';
import type { InputSummary, ModelSummary } from '../onnx/types';
import type { LoadedSample } from '../data/samples';
import type { OptimizationProfile } from '../shapes/profiles';
import { defaultShapes, feedInputs, requestedProbe, type Probe } from './probes';
import { lookAlikeNote } from '../util/look-alike';
import { hasOwn } from '../util/names';


function names(list: readonly { name: string }[]): string {
  return list.map((x) => x.name).join(', ');
}

/** A FIXED_DIM block for shapes that conflict with an input's fixed dims (the finding itself is static). */
function blockOf(inputs: readonly InputSummary[], shapes: Record<string, readonly number[]>, source: string): Probe['blocked'] {
  const conflicting = inputs.find((i) => hasOwn(shapes, i.name) && dimConflicts(i, shapes[i.name], source).length);
  return conflicting
    ? { message: `not run: the shape conflicts with the fixed dims ${formatDims(conflicting.dims)} of input '${conflicting.name}' (see FIXED_DIM)`, code: 'FIXED_DIM' }
    : undefined;
}

/**
 * A static finding that blocks every run, and the inputs it says the caller need not supply (WEIGHTS_AS_INPUTS: the
 * weights export_params=False made inputs; asking for them in the .npz would be the wrong fix).
 */
export interface RunBlocker {
  blocked: NonNullable<Probe['blocked']>;
  excused: ReadonlySet<string>;
}

/**
 * Probes from loaded samples. `parameter(i)` names the sample's inputs in errors ('--inputs in.npz',
 * 'options.samples[0].inputs'); its reference is named '--reference <file>' (or '<parameter>.reference' for tensors).
 * With a `blocker`, the samples are not run: arrays it excuses may be missing (the probe is blocked by it).
 * @throws InvalidValueError / ShapeError: arrays not named like the inputs, wrong dtypes or ranks, a reference
 *   holding none of the model's outputs (it would compare nothing and pass).
 */
export function sampleProbes(
  model: ModelSummary,
  samples: readonly LoadedSample[],
  profiles: readonly OptimizationProfile[],
  parameter: (i: number) => string,
  blocker?: RunBlocker,
): Probe[] {
  const inputs = feedInputs(model);
  return samples.map((s, i) => {
    const option = parameter(i);
    const present = inputs.filter((x) => hasOwn(s.inputs, x.name));
    if (present.length < inputs.length && !inputs.every((x) => hasOwn(s.inputs, x.name) || blocker?.excused.has(x.name))) {
      const missing = inputs.filter((x) => !hasOwn(s.inputs, x.name));
      throw new InvalidValueError(
        option,
        `arrays named like the model's inputs (${names(inputs)})`,
        Object.keys(s.inputs).join(', ') || '(no arrays)',
        `${s.source} has no array ${missing.map((m) => `'${m.name}'`).join(', ')}: save the inputs under the names given in input_names (numpy.savez(f, **{name: array}))` +
          lookAlikeNote(missing.map((m) => m.name), Object.keys(s.inputs)),
      );
    }
    if (s.reference && !model.outputs.some((o) => hasOwn(s.reference!, o.name))) {
      throw new InvalidValueError(
        s.referenceSource && s.referenceSource !== 'tensors' ? `--reference ${s.referenceSource}` : `${option}.reference`,
        `arrays named like the model's outputs (${names(model.outputs)})`,
        Object.keys(s.reference).join(', ') || '(no arrays)',
        'Save the PyTorch outputs under the names given in output_names (numpy.savez(f, **{name: array}))' + lookAlikeNote(model.outputs.map((o) => o.name), Object.keys(s.reference)),
      );
    }
    const shapes: Record<string, number[]> = Object.create(null);
    for (const input of present) {
      const t = s.inputs[input.name];
      // A dtype the model does not take is the file's fault (numpy saves float64 by default), not the model's.
      if (input.elemType !== 'undefined' && t.type !== input.elemType) {
        throw new InvalidValueError(`${option} '${input.name}'`, `${input.elemType} (the model input's type)`, t.type, `Save the array as ${input.elemType} (numpy: arr.astype('${input.elemType}'))`);
      }
      if (input.dims && input.dims.length !== t.dims.length) {
        throw new ShapeError(`${option}: input '${input.name}' has rank ${input.dims.length} ${formatDims(input.dims)} but the array is ${shapeTag(t.dims)} (rank ${t.dims.length})`, {
          option,
          input: input.name,
        });
      }
      shapes[input.name] = [...t.dims];
    }
    return requestedProbe(model, 'sample', s.label, shapes, profiles, { sample: s.key, ...blockIf(blocker?.blocked ?? blockOf(inputs, shapes, option)) });
  });
}

function blockIf(blocked: Probe['blocked']): Partial<Pick<Probe, 'blocked'>> {
  return blocked ? { blocked } : {};
}

/**
 * Validates one shape set against the model's inputs: known names, right ranks, sizes ≥ 0, and (requireAll) a
 * shape for every input with dynamic dims.
 */
export function validateShapeSet(inputs: readonly InputSummary[], shapes: Record<string, readonly number[]>, option: string, requireAll: boolean): void {
  for (const [name, dims] of Object.entries(shapes)) {
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new InvalidValueError(option, `one of the model's inputs (${names(inputs) || 'none'})`, name);
    if (input.dims && input.dims.length !== dims.length) {
      throw new ShapeError(`${option}: input '${name}' has rank ${input.dims.length} ${formatDims(input.dims)} but the shape given is ${shapeTag(dims)} (rank ${dims.length})`, {
        option,
        input: name,
      });
    }
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new ShapeError(`${option}: input '${name}' has an invalid size in ${dims.join('x')}`, { option, input: name });
  }
  if (!requireAll) return;
  for (const input of inputs) {
    if (hasOwn(shapes, input.name)) continue;
    if (input.dims?.every((d) => d.kind === 'fixed')) continue;
    throw new ShapeError(
      `${option}: no shape for input '${input.name}', whose dims ${formatDims(input.dims)} are dynamic; give one like ${input.name}:${(input.dims ?? []).map((d) => (d.kind === 'fixed' ? d.value : 1)).join('x')}`,
      { option, input: input.name },
    );
  }
}

/** Probes at shape sets (--shapes): each validated, inputs left out get their fixed dims or defaults. */
export function shapeSetProbes(model: ModelSummary, sets: readonly Record<string, readonly number[]>[], profiles: readonly OptimizationProfile[], option: string): Probe[] {
  const inputs = feedInputs(model);
  const defaults = defaultShapes(model);
  return sets.map((given) => {
    validateShapeSet(inputs, given, option, true);
    const shapes: Record<string, number[]> = Object.create(null);
    for (const input of inputs) shapes[input.name] = hasOwn(given, input.name) ? [...given[input.name]] : defaults[input.name];
    const label = `${option} ${Object.entries(shapes).map(([n, d]) => `${n}:${shapeTag(d)}`).join(',')}`;
    return requestedProbe(model, 'given', label, shapes, profiles, blockIf(blockOf(inputs, shapes, option)));
  });
}

/**
 * The probe when nothing is asked: the model's own sizes ('model shapes') or defaults for dynamic dims (batch 1,
 * image h/w 64: 'default shapes'). An input of unknown rank has no default: the probe is blocked, saying which
 * option gives one (the static findings are still made and reported: a shapeless input hides nothing).
 */
export function defaultProbe(model: ModelSummary, profiles: readonly OptimizationProfile[] = []): Probe {
  const inputs = feedInputs(model);
  const unranked = inputs.find((i) => i.dims === null);
  if (unranked) {
    const message =
      `not run: input '${unranked.name}' has no shape in the model (unknown rank), so check cannot make up inputs for it: ` +
      `give its shape with --shapes ${unranked.name}:<dims> (e.g. 1x3x224x224), or --inputs in.npz`;
    return requestedProbe(model, 'default', 'default shapes', defaultShapes(model), profiles, { blocked: { message } });
  }
  const guessed = inputs.some((i) => i.dims?.some((d) => d.kind !== 'fixed'));
  return requestedProbe(model, guessed ? 'default' : 'fixed', guessed ? 'default shapes' : 'model shapes', defaultShapes(model), profiles);
}
