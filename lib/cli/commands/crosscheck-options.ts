/**
 * The cross-check's options of `trt-node check`, plugged in through check.ts's `checkExtensions`:
 *   --engine model.plan            add a TensorRT engine to check's runs and cross-check it across its profiles
 *   --shapes in:min..opt..max      build an engine with that profile (repeat for more profiles), same as --engine
 *   --sweep                        probe the whole dynamic range (min/opt/max, in-between, odd sizes per axis);
 *                                  without TensorRT: onnxruntime with graph optimizations on vs off, and output
 *                                  dims vs the dynamic axes
 *   --probes 1x1x64x64,1x1x97x61   probe these shapes instead ('input:1x1x64x64;input:1x1x97x61' for named inputs)
 *   --report out.html              write the self-contained HTML report (out.json: the JSON result)
 * The cross-check result is added to check's report as `crossCheck` (one JSON document with --json) and its table
 * is printed after check's text; a failing cross-check fails the command (exit 1).
 */
import type { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type { RunBackend } from '../../check/backends';
import { createOrtBackend } from '../../check/ort-backend';
import type { CheckOptions, CheckReport } from '../../check/run-check';
import { crossCheck, givenProbes, type CrossCheckOptions, type CrossCheckResult, type RunnerSpec } from '../../crosscheck';
import { FileError, InvalidValueError } from '../../errors';
import { readModel } from '../../onnx/reader';
import { formatCrossCheckTable, writeHtmlReport, writeJsonReport } from '../../report';
import { Engine, buildEngine, parseFixedShapes, parseShapesSpec, requireTensorRT } from '../../trt';
import type { OptimizationProfile } from '../../trt/profiles';
import { checkOutputFile } from '../../util/atomic-write';
import type { CheckCliOptions, CheckCommandExtension } from './check';

/** The options this extension adds (commander's camelCase names). */
export interface CrossCheckCliOptions {
  engine?: string;
  sweep?: boolean;
  probes?: string[];
  report?: string;
  shapes?: string[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--shapes` values that are TensorRT profiles (min..opt..max); the others are check's fixed shapes. */
export function profileSpecs(shapes: readonly string[] | undefined): string[] {
  return (shapes ?? []).filter((s) => s.includes('..'));
}

/**
 * --probes values to input shapes. 'AxBxC,DxExF' lists probes of the model's only dynamic input;
 * 'in:AxB,mask:CxD;in:...' gives named inputs per probe (probes separated by ';').
 */
export function parseProbes(values: readonly string[], dynamicInputs: readonly string[]): Record<string, number[]>[] {
  const probes: Record<string, number[]>[] = [];
  for (const value of values) {
    if (value.includes(':')) {
      for (const part of value.split(';').map((s) => s.trim()).filter(Boolean)) probes.push(parseFixedShapes(part, '--probes'));
      continue;
    }
    if (dynamicInputs.length !== 1) {
      throw new InvalidValueError(
        '--probes',
        `named shapes ('${dynamicInputs[0] ?? 'input'}:1x3x64x64${dynamicInputs[1] ? `,${dynamicInputs[1]}:...` : ''}'; probes separated by ';')`,
        value,
        `The model has ${dynamicInputs.length} dynamic inputs (${dynamicInputs.join(', ') || 'none'}); bare shapes only work for one`,
      );
    }
    for (const shape of value.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
      probes.push(parseFixedShapes(`${dynamicInputs[0]}:${shape}`, '--probes'));
    }
  }
  return probes;
}

interface Plan {
  profiles: OptimizationProfile[];
  engine?: string;
  /** Builds the engine of --shapes ranges once, shared by check's TensorRT runs and the cross-check. */
  build?: (model: string) => Promise<Uint8Array>;
}

const plans = new WeakMap<CheckOptions, Plan>();

function wantsCrossCheck(cli: CrossCheckCliOptions): boolean {
  return Boolean(cli.engine || cli.sweep || cli.probes?.length || cli.report || profileSpecs(cli.shapes).length);
}

/** check's RunBackend over a TensorRT engine, so check's own runs (samples, --shapes) include TensorRT. */
function tensorrtBackend(getPlan: (model: string) => Promise<Uint8Array | string>) {
  return async (model: string): Promise<RunBackend> => {
    const engine = await Engine.load(await getPlan(model));
    return { name: 'tensorrt', run: (feeds) => engine.run(feeds), dispose: async () => engine.dispose() };
  };
}

export const crossCheckExtension: CheckCommandExtension = {
  addOptions(command: Command): void {
    command
      .option('--engine <plan>', 'also run this TensorRT engine (.plan) and cross-check it with onnxruntime-node at probes across its profiles')
      .option('--sweep', 'probe the whole dynamic range: each profile\'s min/opt/max, sizes in between and odd sizes (primes) per dynamic axis')
      .option('--probes <shapes>', "probe these input shapes instead: '1x1x64x64,1x1x97x61', or 'input:1x1x64x64;input:1x1x97x61'; repeatable", collect)
      .option('--report <file>', 'write the cross-check report: .html (self-contained, with error histograms and heatmaps) or .json');
  },

  async apply(raw: CheckCliOptions, options: CheckOptions): Promise<void> {
    const cli = raw as CheckCliOptions & CrossCheckCliOptions;
    if (!wantsCrossCheck(cli)) return;
    if (cli.report !== undefined && !/\.(html?|json)$/i.test(cli.report)) {
      throw new InvalidValueError('--report', 'a file ending in .html or .json', cli.report);
    }
    // Now, not after the cross-check: an unwritable --report used to throw away the whole run's results.
    if (cli.report !== undefined) {
      await checkOutputFile(cli.report, '--report', {
        inputs: [
          { file: cli.engine, option: '--engine' },
          { file: options.saveOutputs, option: '--save-outputs' },
          ...(options.samples ?? []).flatMap((s) => [s.inputs, s.reference]).map((f) => ({ file: typeof f === 'string' ? f : undefined, option: '--inputs/--reference' })),
        ],
      });
    }
    const ranges = profileSpecs(cli.shapes);
    if (cli.engine && ranges.length) {
      throw new InvalidValueError('--shapes', 'fixed shapes when --engine is given (the engine has its profiles)', ranges[0], 'Give either --engine or --shapes min..opt..max');
    }
    const plan: Plan = { profiles: [] };
    if (cli.engine || ranges.length) {
      // TensorRT first: without it, say so (exit 2) before anything runs.
      requireTensorRT();
      if (cli.engine) {
        plan.engine = path.resolve(cli.engine);
        const file = plan.engine;
        if (!fs.existsSync(file)) throw new FileError(cli.engine, 'not found (--engine expects a serialized TensorRT engine, e.g. written by trt-node build)');
        options.backends = [...(options.backends ?? [createOrtBackend]), tensorrtBackend(async () => file)];
      } else {
        plan.profiles = ranges.map((r) => parseShapesSpec(r, '--shapes'));
        let building: Promise<Uint8Array> | undefined;
        plan.build = (model: string) =>
          (building ??= (async () => {
            if (!cli.json) process.stderr.write(`trt-node: building a TensorRT engine for ${ranges.join(' ')} ...\n`);
            return (await buildEngine(model, { profiles: plan.profiles })).plan;
          })());
        options.backends = [...(options.backends ?? [createOrtBackend]), tensorrtBackend(plan.build)];
      }
    }
    plans.set(options, plan);
  },

  async after(raw: CheckCliOptions, options: CheckOptions, report: CheckReport, model: string): Promise<string | undefined> {
    const cli = raw as CheckCliOptions & CrossCheckCliOptions;
    if (!wantsCrossCheck(cli)) return undefined;
    const plan = plans.get(options) ?? { profiles: [] };
    const summary = await readModel(model);
    const tensorrt = plan.engine !== undefined || plan.profiles.length > 0;
    const runners: RunnerSpec[] = [];
    const samples = (options.samples ?? []).map((s) => ({ inputs: s.inputs, ...(s.reference !== undefined ? { reference: s.reference } : {}), ...(s.label ? { label: s.label } : {}) }));
    if (samples.some((s) => s.reference !== undefined)) runners.push({ kind: 'reference', name: 'reference' });
    // Without TensorRT, onnxruntime with graph optimizations off is the second opinion (and the expected side).
    if (!tensorrt) runners.push({ kind: 'onnxruntime', graphOptimization: 'disabled' });
    runners.push({ kind: 'onnxruntime' });
    if (plan.engine) runners.push({ kind: 'tensorrt', engine: plan.engine });
    else if (plan.build) runners.push({ kind: 'tensorrt', engine: await plan.build(model) });

    const dynamicInputs = summary.inputs.filter((i) => !i.isInitializer && (i.dims === null || i.dims.some((d) => d.kind !== 'fixed'))).map((i) => i.name);
    const probes = cli.probes?.length ? parseProbes(cli.probes, dynamicInputs) : undefined;
    if (probes) givenProbes(summary, probes, [], '--probes'); // usage errors named after the option
    const ccOptions: CrossCheckOptions = {
      runners,
      samples,
      ...(plan.profiles.length ? { profiles: plan.profiles } : {}),
      ...(probes ? { probes } : {}),
      seed: options.seed ?? 0,
      ...(options.tolerance ? { tolerance: options.tolerance } : {}),
      errorMaps: Boolean(cli.report && /\.html?$/i.test(cli.report)),
    };
    const result: CrossCheckResult = await crossCheck(summary.file ?? model, ccOptions);
    (report as CheckReport & { crossCheck?: CrossCheckResult }).crossCheck = result;
    report.pass = report.pass && result.pass;
    const lines: string[] = [];
    if (cli.report) {
      if (/\.json$/i.test(cli.report)) await writeJsonReport(cli.report, result);
      else await writeHtmlReport(cli.report, result);
      lines.push(`Cross-check report written to ${cli.report}`);
    }
    if (cli.json) return undefined;
    return [formatCrossCheckTable(result), ...lines].join('\n');
  },
};
