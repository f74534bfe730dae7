/**
 * `trt-node check [model] [--shapes …] [--inputs in.npz] [--reference out.npz] [--atol] [--rtol]
 * [--save-outputs out.npz] [--json]`: diagnostics of the PyTorch export pitfalls, then onnxruntime-node runs, then
 * the comparison with the reference when given. Exit 0 when no error-severity finding and every comparison passes,
 * 1 otherwise, 2 on usage errors (thrown TrtNodeErrors, mapped by main()).
 *
 * With no model (and no --inputs/--shapes), the bundled super-resolution example runs against its saved PyTorch
 * references. Other commands' helpers extend it through `checkExtensions` (e.g. --engine adds a TensorRT backend).
 */
import { Command, Option } from 'commander';
import { InvalidValueError } from '../../errors';
import { parseTolerance, toleranceOverrides } from '../../compare';
import { check, CheckOptions, CheckReport, CheckSample } from '../../check/run-check';
import { formatCheckReport } from '../../check/format';
import { DEFAULT_MODEL, DEFAULT_SAMPLES } from '../defaults';
import { parseShapeList } from '../../shapes/spec';
import { checkOutputFile } from '../../util/atomic-write';
import { crossCheckExtension, profileSpecs } from './crosscheck-options';
import { toJson } from '../../util/json';

/** The options commander parses for `check`. */
export interface CheckCliOptions {
  shapes?: string[];
  inputs?: string;
  reference?: string;
  atol?: string[];
  rtol?: string[];
  saveOutputs?: string;
  probe?: boolean;
  seed?: string;
  json?: boolean;
  [extension: string]: unknown;
}

/** A later feature's hook into `check`: its own options, turned into CheckOptions (backends, bounds...). */
export interface CheckCommandExtension {
  addOptions(command: Command): void;
  apply(cli: CheckCliOptions, options: CheckOptions): void | Promise<void>;
  /** After check(): may add to the report (it is printed after) and return text to print after check's own. */
  after?(cli: CheckCliOptions, options: CheckOptions, report: CheckReport, model: string): Promise<string | undefined>;
}

/** Extensions registered before createProgram() runs; registerCheck() wires each in. */
export const checkExtensions: CheckCommandExtension[] = [crossCheckExtension];

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Repeated --atol/--rtol values, each '1e-4', 'output:1e-3' or both comma-separated; later values win. */
function mergeTolerances(option: '--atol' | '--rtol', values: readonly string[] | undefined): { global?: number; perOutput: Record<string, number> } {
  const merged: { global?: number; perOutput: Record<string, number> } = { perOutput: {} };
  for (const v of values ?? []) {
    const p = parseTolerance(option, v);
    if (p.global !== undefined) merged.global = p.global;
    Object.assign(merged.perOutput, p.perOutput);
  }
  return merged;
}

/** The files a check reads, so that none of them is chosen as an output (and silently replaced). */
function filesRead(model: string, options: CheckOptions): { file: string | undefined; option: string }[] {
  const fileOf = (v: unknown) => (typeof v === 'string' ? v : undefined); // samples may hold tensors, not paths
  return [
    { file: model, option: 'the model' },
    ...(options.samples ?? []).flatMap((s) => [
      { file: fileOf(s.inputs), option: '--inputs' },
      { file: fileOf(s.reference), option: '--reference' },
    ]),
  ];
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidValueError('--seed', 'a non-negative integer', value);
  return n;
}

/** CheckOptions from the command line (validated; throws TrtNodeError on usage errors). */
export function checkOptionsFrom(model: string | undefined, cli: CheckCliOptions): { model: string; options: CheckOptions } {
  const tolerance = toleranceOverrides(mergeTolerances('--atol', cli.atol), mergeTolerances('--rtol', cli.rtol));
  // `--shapes min..opt..max` entries are TensorRT profiles, handled by the cross-check extension.
  const ranges = new Set(profileSpecs(cli.shapes));
  const shapes = (cli.shapes ?? []).filter((s) => !ranges.has(s)).map((s) => parseShapeList(s, { option: '--shapes' }));

  let samples: CheckSample[] = [];
  if (cli.inputs) samples.push({ inputs: cli.inputs, ...(cli.reference ? { reference: cli.reference } : {}) });
  else if (cli.reference) {
    // A reference without inputs only makes sense if the file also holds the inputs (some users save both).
    samples.push({ inputs: cli.reference, reference: cli.reference });
  }
  const useBundled = model === undefined && samples.length === 0 && shapes.length === 0;
  if (useBundled) samples = DEFAULT_SAMPLES.map((s) => ({ inputs: s.inputs, reference: s.reference }));

  return {
    model: model ?? DEFAULT_MODEL,
    options: {
      ...(shapes.length ? { shapes } : {}),
      ...(samples.length ? { samples } : {}),
      tolerance,
      ...(cli.saveOutputs ? { saveOutputs: cli.saveOutputs } : {}),
      probe: cli.probe !== false,
      seed: parseSeed(cli.seed),
    },
  };
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description(
      'diagnose PyTorch export pitfalls (fixed dims, weights as inputs, ops TensorRT cannot import, resize semantics, ' +
        'training mode, dynamic axes that cannot vary), run the model with onnxruntime-node and compare with a reference',
    )
    .argument('[model]', 'the .onnx file (default: the bundled super-resolution example and its PyTorch references)')
    .option('--shapes <spec>', "input shapes, trtexec syntax: 'input:1x1x256x256,other:2x3'; repeat for several runs", collect)
    .option('--inputs <npz>', '.npz with the model inputs by name (e.g. saved with numpy.savez)')
    .option('--reference <npz>', '.npz with the expected outputs by name (e.g. PyTorch outputs of the same inputs)')
    .option('--atol <tol>', "absolute tolerance: '1e-4' for every output and/or 'output:1e-3' per output (default: by dtype, float32 1e-4)", collect)
    .option('--rtol <tol>', "relative tolerance: '1e-3' for every output and/or 'output:1e-2' per output (default: by dtype, float32 1e-3)", collect)
    .option('--save-outputs <npz>', 'save the onnxruntime outputs to this .npz (written atomically)')
    .option('--no-probe', 'do not run the model at other sizes of its dynamic axes')
    .addOption(new Option('--seed <n>', 'seed of generated inputs').default(undefined))
    .option('--json', 'print one JSON document (the check report) instead of text');
  for (const ext of checkExtensions) ext.addOptions(command);
  command.action(async (model: string | undefined, cli: CheckCliOptions) => {
    const { model: file, options } = checkOptionsFrom(model, cli);
    // `--save-outputs` onto `--reference` would replace the reference with what it is meant to check.
    if (options.saveOutputs) await checkOutputFile(options.saveOutputs, '--save-outputs', { inputs: filesRead(file, options) });
    for (const ext of checkExtensions) await ext.apply(cli, options);
    const report = await check(file, options);
    const extra: string[] = [];
    for (const ext of checkExtensions) {
      const text = await ext.after?.(cli, options, report, file);
      if (text) extra.push(text);
    }
    process.stdout.write(cli.json ? `${toJson(report)}\n` : `${[formatCheckReport(report), ...extra].join('\n\n')}\n`);
    process.exitCode = report.pass ? 0 : 1;
  });
}
