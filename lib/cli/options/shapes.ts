/**
 * Shape flags as every command reads them: each value parsed by the one grammar (lib/shapes/spec parseShapeText),
 * a bare shape named after the model's only input to shape, and each value labelled with the flag that gave it
 * ('--shapes', or '--shapes #2' when the flag was repeated), so that every message about it, from this layer or
 * the library's, names that flag. What a command does with a set (run it, or build a profile from it) is its own.
 */
import type { ModelSummary } from '../../onnx/types';
import { labelled, nameBareShape, type OptimizationProfile } from '../../shapes/profiles';
import { fixedShapes, parseShapeText, profileOf, type ShapeText } from '../../shapes/spec';

/** Every value of shape flag `flag` (repeatable or not), parsed and named against `model`. */
export function shapeTexts(flag: string, values: string | readonly string[] | undefined, model: Pick<ModelSummary, 'inputs'>, options: { allowZero?: boolean } = {}): ShapeText[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  return list.map((text, i) => nameBareShape(parseShapeText(text, { label: list.length > 1 ? `${flag} #${i + 1}` : flag, allowZero: options.allowZero }), model));
}

/** The profile of each text, labelled with its flag. */
export function profilesOf(texts: readonly ShapeText[]): OptimizationProfile[] {
  return texts.map((t) => labelled(profileOf(t), t.label));
}

/** The fixed shape set of each text; a range is refused with `why` (where ranges go instead). */
export function shapeSetsOf(texts: readonly ShapeText[], why: string): Record<string, number[]>[] {
  return texts.map((t) => fixedShapes(t, why));
}
