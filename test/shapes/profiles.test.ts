/**
 * The one shape grammar (lib/shapes/spec.ts parseShapeText) and the one profile module (lib/shapes/profiles.ts):
 * texts with fixed shapes and ranges, bare shapes named after the model's input, labels that make every message
 * name the flag, profiles checked once per model, and the profile layouts converted into one another.
 */
import * as path from 'path';
import { readModel } from '../../lib/onnx/reader';
import type { ModelSummary } from '../../lib/onnx/types';
import {
  fitsProfile,
  labelled,
  labelOf,
  nameBareShape,
  profileEntries,
  profilesByIndex,
  shapeableInputs,
  validateProfiles,
} from '../../lib/shapes/profiles';
import { fixedShapes, formatDims, formatProfile, formatRange, isRanged, parseShapeText, profileOf } from '../../lib/shapes/spec';
import { caught } from '../helpers/errors';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name, 'model.onnx');
let superRes: ModelSummary;
let nms: ModelSummary;
let twoInputs: ModelSummary;
beforeAll(async () => {
  superRes = await readModel(fixture('super_resolution'));
  nms = await readModel(fixture('nms_detections'));
  twoInputs = await readModel(fixture('two_input_bias'));
});

describe('parseShapeText', () => {
  it('reads fixed shapes and ranges in one text, names trimmed, empty entries skipped', () => {
    const t = parseShapeText(' image : 1x3x32x32..1x3x64x64..1x3x128x128 , scale:1 ,', { label: '--profile' });
    expect(t.label).toBe('--profile');
    expect(t.entries.map((e) => [e.name, e.ranged])).toEqual([
      ['image', true],
      ['scale', false],
    ]);
    expect(isRanged(t)).toBe(true);
    expect(profileOf(t)).toEqual({ image: { min: [1, 3, 32, 32], opt: [1, 3, 64, 64], max: [1, 3, 128, 128] }, scale: { min: [1], opt: [1], max: [1] } });
  });

  it('keeps a bare entry under the name "" until the model names it', () => {
    expect(parseShapeText('1x1x8x8').entries[0]).toMatchObject({ name: '', ranged: false });
  });

  it('zero only where asked, and never in a range', () => {
    expect(fixedShapes(parseShapeText('input:0x1x8x8', { allowZero: true }))).toEqual({ input: [0, 1, 8, 8] });
    expect(caught(() => parseShapeText('input:0x1x8x8')).message).toMatch(/"0" is not a usable dimension/);
    expect(caught(() => parseShapeText('input:0x1x8x8..1x1x8x8..1x1x8x8', { allowZero: true })).message).toMatch(/"0" is not a usable dimension/);
  });

  it('fixedShapes refuses a range with what the caller says to do', () => {
    const e = caught(() => fixedShapes(parseShapeText('input:1..2..3', { label: '--probes' }), 'ranges go to --shapes'));
    expect(e.message).toBe('Expected fixed shapes, one per input for --probes but received "input:1..2..3". ranges go to --shapes');
  });

  it('formats back: dims, ranges, profiles', () => {
    expect(formatDims([1, 3, 8])).toBe('1x3x8');
    expect(formatDims([])).toBe('scalar');
    expect(formatRange({ min: [1, 2], opt: [1, 2], max: [1, 2] })).toBe('1x2');
    const text = 'input:1x1x8x8..1x1x16x16..1x1x32x32,mask:1x8';
    expect(formatProfile(profileOf(parseShapeText(text)))).toBe(text);
  });
});

describe('bare shapes', () => {
  it("name the model's only input to shape: its dynamic one, else its only input", () => {
    expect(shapeableInputs(superRes)).toEqual(['input']);
    expect(shapeableInputs(twoInputs)).toEqual(['input']); // bias has fixed dims
    expect(nameBareShape(parseShapeText('2x3x8x8'), twoInputs).entries[0].name).toBe('input');
    expect(profileOf(nameBareShape(parseShapeText('1x1x8x8..1x1x16x16..1x1x32x32'), superRes))).toEqual({
      input: { min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] },
    });
  });

  it('BAD CALL - several inputs to shape, or the input given twice, are usage errors naming the flag', () => {
    expect(caught(() => nameBareShape(parseShapeText('8x4', { label: '--probes' }), nms)).message).toMatch(
      /for --probes .*The model has 2 inputs to shape \(boxes, scores\); a bare shape only works for one/,
    );
    expect(caught(() => nameBareShape(parseShapeText('input:1x1x8x8,1x1x9x9'), superRes)).message).toMatch(/The bare shape is for "input", which is given too/);
  });
});

describe('validateProfiles: labels, and one check per model', () => {
  const bad = () => ({ input: { min: [1, 1, 64, 64], opt: [1, 1, 32, 32], max: [1, 1, 256, 256] } });

  it('names a labelled profile by its label, others by the parameter', () => {
    expect(caught(() => validateProfiles([bad()], superRes, 'options.profiles')).message).toMatch(/^options\.profiles\[0\]\["input"\]: axis 2/);
    expect(caught(() => validateProfiles([labelled(bad(), '--profile #2')], superRes, 'options.profiles')).message).toMatch(/^--profile #2\["input"\]: axis 2/);
  });

  it('the label is invisible to JSON, keys and equality, and survives validation', () => {
    const p = labelled({ input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } }, '--shapes');
    expect(Object.keys(p)).toEqual(['input']);
    expect(JSON.parse(JSON.stringify(p))).toEqual({ input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } });
    const [checked] = validateProfiles([p], superRes);
    expect(labelOf(checked, 'none')).toBe('--shapes');
    expect(labelOf({}, 'none')).toBe('none');
  });

  it('profiles it returned are not checked again for the same model, and are for another', () => {
    const checked = validateProfiles([{ input: { min: [1, 1, 8, 8], opt: [1, 1, 8, 8], max: [1, 1, 8, 8] } }], superRes);
    expect(validateProfiles(checked, superRes)).toBe(checked);
    expect(validateProfiles(checked, { ...superRes })).not.toBe(checked);
    expect(() => validateProfiles(checked, twoInputs)).toThrow(/axis 1 of input "input" is fixed at 3/);
  });
});

describe('profile layouts and fitting', () => {
  const byInput = [
    { name: 'input', dims: [-1, 1, -1, -1], profiles: [{ min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] }, { min: [2, 1, 64, 64], opt: [2, 1, 64, 64], max: [4, 1, 64, 64] }] },
    { name: 'scale', dims: [1], profiles: [] },
  ];

  it("an engine's per-input ranges become profiles by input name, a static input its dims", () => {
    const profiles = profilesByIndex(byInput, 2);
    expect(profiles[1]).toEqual({ input: { min: [2, 1, 64, 64], opt: [2, 1, 64, 64], max: [4, 1, 64, 64] }, scale: { min: [1], opt: [1], max: [1] } });
    expect(profileEntries(profiles[0])).toEqual([
      { name: 'input', min: [1, 1, 8, 8], opt: [1, 1, 16, 16], max: [1, 1, 32, 32] },
      { name: 'scale', min: [1], opt: [1], max: [1] },
    ]);
  });

  it('fitsProfile: every input within [min, max] with its rank; names are own keys only', () => {
    const [p0, p1] = profilesByIndex(byInput, 2);
    expect(fitsProfile({ input: [1, 1, 20, 9], scale: [1] }, p0)).toBe(true);
    expect(fitsProfile({ input: [3, 1, 64, 64], scale: [1] }, p1)).toBe(true);
    expect(fitsProfile({ input: [3, 1, 64, 64], scale: [1] }, p0)).toBe(false);
    expect(fitsProfile({ input: [1, 1, 8], scale: [1] }, p0)).toBe(false);
    expect(fitsProfile({ input: [1, 1, 8, 8] }, p0)).toBe(false);
    expect(fitsProfile({}, { toString: { min: [1], opt: [1], max: [1] } })).toBe(false);
  });
});
