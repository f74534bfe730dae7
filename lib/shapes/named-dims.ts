/**
 * Named dimensions: input axes that share a dim_param (an exporter's symbolic name, e.g. boxes [num_boxes, 4] and
 * scores [num_boxes]) are one size. TensorRT's ONNX parser names every such axis (ITensor::setDimensionName), and
 * TensorRT holds it to that: "Dimensions with the same non-empty name must be equal at runtime" (NvInfer.h); a
 * profile whose opt shapes break it fails the build, a run whose shapes break it fails. trt-node says so first,
 * naming both inputs.
 */
import { ShapeError } from '../errors';
import type { InputSummary } from '../onnx/types';

/** Per input, the name of each axis (null where it has none). */
export type DimensionNames = Readonly<Record<string, readonly (string | null)[]>>;

/** The named axes of the model's inputs (inputs without a named axis are left out). */
export function dimensionNames(inputs: readonly InputSummary[]): DimensionNames {
  const out: Record<string, (string | null)[]> = Object.create(null);
  for (const input of inputs) {
    const names = (input.dims ?? []).map((d) => (d.kind === 'symbolic' ? d.name : null));
    if (names.some((n) => n !== null)) out[input.name] = names;
  }
  return out;
}

/**
 * Throws a ShapeError when two axes of one name get different sizes in `shapes` (inputs without a shape there are
 * skipped), naming both.
 * @param label how an input's shape is named in the message, e.g. `profiles[0]["boxes"].opt` or `feeds["boxes"]`
 */
export function checkNamedDimensions(names: DimensionNames, shapes: (input: string) => readonly number[] | undefined, label: (input: string) => string): void {
  const first = new Map<string, { input: string; axis: number; size: number }>();
  for (const [input, axes] of Object.entries(names)) {
    const shape = shapes(input);
    if (!shape) continue;
    axes.forEach((name, axis) => {
      if (name === null || axis >= shape.length) return;
      const seen = first.get(name);
      if (!seen) first.set(name, { input, axis, size: shape[axis] });
      else if (seen.size !== shape[axis]) {
        throw new ShapeError(
          `${label(seen.input)} gives dimension '${name}' (axis ${seen.axis} of input "${seen.input}") the size ${seen.size}, but ` +
            `${label(input)} gives it ${shape[axis]} (axis ${axis} of input "${input}"): the model names both axes '${name}', ` +
            "so they must be equal (TensorRT: \"Dimensions with the same non-empty name must be equal at runtime\")",
          { dimension: name, inputs: [seen.input, input] },
        );
      }
    });
  }
}

/** checkNamedDimensions for each of a profile's min, opt and max shapes (`where` names the profile). */
export function checkProfileNamedDimensions(
  names: DimensionNames,
  profile: Readonly<Record<string, { min: readonly number[]; opt: readonly number[]; max: readonly number[] }>>,
  where: string,
): void {
  for (const selector of ['min', 'opt', 'max'] as const) {
    checkNamedDimensions(names, (input) => profile[input]?.[selector], (input) => `${where}["${input}"].${selector}`);
  }
}
