/**
 * The action of `trt-node bench`: flags → BenchOptions (each value checked and named by its flag), then runBench
 * with progress on stderr, the table on stdout, and the JSON report and SVG chart written only when asked: --files
 * (bench.json, bench.svg in the current folder), --json <file>, --chart <file>. Ctrl-C keeps what was measured (marked interrupted), exit 130.
 * Nothing measured at all (every run failed): the failures printed, no file written, exit 1.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BenchReport } from '../../bench';
import { durationSeconds, parseBackends } from '../../bench/options';
import { InvalidValueError, TrtNodeError } from '../../errors';
import type { OptimizationProfile } from '../../shapes/profiles';
import { DEFAULT_MODEL } from '../defaults';
import { EXIT_FAILED, EXIT_INTERRUPTED } from '../exit-codes';
import {
  budgetFrom,
  buildFlagsGiven,
  buildSettingsFrom,
  engineFlag,
  engineFrom,
  integerOption,
  jsonTarget,
  modelFrom,
  modelShapeSet,
  refuseUnusedBuildFlags,
  type EngineCliOptions,
} from '../options';
import { emitJson, jsonDocument, progressLine, type CliContext } from '../output';
import { toJson } from '../../util/json';

export interface BenchCliOptions extends EngineCliOptions {
  onnx?: string;
  shapes?: string[];
  backends?: string;
  warmup?: string;
  iterations?: string;
  duration?: string;
  threads?: string;
  json?: string | boolean;
  chart?: string;
  files?: boolean;
  noTF32?: boolean;
  maxTensorBytes?: string;
}

/** The default shapes for the bundled example: small and medium images, one run under ~30 s on 2 cores. */
const DEFAULT_SHAPES = ['input:1x1x224x224', 'input:1x1x512x512'];

/** onnxruntime starts every thread asked for: --threads 100000 hung for minutes before measuring anything. */
const MAX_THREADS = 1024;

export async function runBenchCommand(ctx: CliContext, modelArg: string | undefined, cli: BenchCliOptions): Promise<void> {
  const modelPath = modelFrom(modelArg, cli, DEFAULT_MODEL);
  const bundled = modelArg === undefined && cli.onnx === undefined;
  const specs = cli.shapes?.length ? cli.shapes : bundled ? DEFAULT_SHAPES : [];
  const backends = cli.backends === undefined ? undefined : parseBackends(cli.backends, '--backends');
  if (cli.iterations !== undefined && cli.duration !== undefined) {
    throw new InvalidValueError('--iterations', 'either --iterations or --duration, not both', cli.iterations);
  }
  const duration = cli.duration === undefined ? undefined : durationSeconds(cli.duration, '--duration');
  const warmup = integerOption('--warmup', cli.warmup, 0);
  const iterations = integerOption('--iterations', cli.iterations, 1);
  const threads = integerOption('--threads', cli.threads, 1, MAX_THREADS);
  const engine = engineFrom(cli);
  // Build flags nothing would read (the engine is given, or TensorRT is not among the backends) are usage errors.
  const buildFlags = buildFlagsGiven(cli, { profileFlags: true });
  if (engine !== undefined) {
    refuseUnusedBuildFlags(buildFlags, `${engineFlag(cli)} ${engine} is an engine already built`, `drop ${buildFlags.join(', ')}, or drop ${engineFlag(cli)} to have bench build one`);
  } else if (backends && !backends.includes('tensorrt')) {
    refuseUnusedBuildFlags(buildFlags, `--backends ${cli.backends} runs no TensorRT`, `add trt to --backends, or drop ${buildFlags.join(', ')}`);
  }
  const { readModel } = require('../../onnx/reader') as typeof import('../../onnx/reader');
  const summary = await readModel(modelPath);
  // Checked against the model here, so that errors name the flag (runBench names its `shapes` option).
  const { resolveShapes } = require('../../bench/run-bench') as typeof import('../../bench/run-bench');
  const shapes = resolveShapes(summary, specs.map((s) => modelShapeSet(s, summary, '--shapes')), '--shapes');
  let profile: OptimizationProfile | undefined;
  if (cli.minShapes !== undefined || cli.optShapes !== undefined || cli.maxShapes !== undefined) {
    const { combineMinOptMax } = require('../../trt/shapes-spec') as typeof import('../../trt/shapes-spec');
    profile = combineMinOptMax(cli.minShapes, cli.optShapes, cli.maxShapes);
  }
  const build = buildSettingsFrom(cli);

  // Outputs go to the current folder (never into the installed package); checked before minutes of measuring.
  const json = jsonTarget(cli.json);
  const writeFiles = cli.files === true; // bench.json and bench.svg only when asked (--files)
  const jsonFile = json === 'stdout' ? undefined : json ?? (writeFiles ? path.resolve('bench.json') : undefined);
  const chartFile = cli.chart ?? (writeFiles ? path.resolve('bench.svg') : undefined);
  const { checkOutputFile, writeFileAtomic } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
  const reads = [
    { file: modelPath, option: 'the model' },
    { file: engine, option: '--engine' },
    { file: build.timingCache, option: '--timing-cache' },
  ];
  if (engine !== undefined) {
    if (!fs.existsSync(engine)) throw new TrtNodeError('ERR_TRT_NODE_FILE', `${engine}: not found (--engine expects a serialized TensorRT engine, e.g. written by trt-node build)`, { file: engine });
    if (backends && !backends.includes('tensorrt')) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${engineFlag(cli)} ${engine} is a TensorRT engine, but --backends ${cli.backends} runs no TensorRT: add trt to --backends, or drop ${engineFlag(cli)}`, {
        option: engineFlag(cli),
      });
    }
  }
  if (jsonFile) await checkOutputFile(jsonFile, '--json', { createFolder: true, inputs: reads });
  if (chartFile) await checkOutputFile(chartFile, '--chart', { createFolder: true, inputs: [...reads, { file: jsonFile, option: '--json' }] });

  const { formatBenchReport, renderLatencyChart, runBench } = require('../../bench') as typeof import('../../bench');
  const progress = progressLine(ctx, ctx.progressAllowed(cli.json));
  let report: BenchReport;
  let interrupted = false;
  try {
    report = await runBench({
      model: summary, // read once, above
      ...(engine !== undefined ? { engine } : {}),
      shapes,
      ...(backends ? { runners: backends } : {}),
      ...(warmup !== undefined ? { warmup } : {}),
      ...(iterations !== undefined ? { iterations } : {}),
      ...(duration !== undefined ? { durationS: duration } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(profile ? { profile } : {}),
      ...(Object.keys(build).length ? { build } : {}),
      ...(budgetFrom(cli) !== undefined ? { maxTensorBytes: budgetFrom(cli) } : {}),
      signal: ctx.signal,
      onProgress: (e) => {
        const name = e.backend;
        const where = e.shapes ? ` ${Object.entries(e.shapes).map(([n, d]) => `${n}:${d.join('x')}`).join(',')}` : '';
        progress.update(`bench: ${name}${where} ${e.phase}${e.phase === 'preparing' ? '' : ` ${e.done}${e.total !== null ? `/${e.total}` : ''}`}`);
      },
    });
  } catch (err) {
    progress.clear();
    const partial = err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED' ? (err as { partial?: BenchReport }).partial : undefined;
    if (!partial) throw err;
    report = partial;
    interrupted = true;
  }
  progress.clear();
  const doc = interrupted ? { ...report, interrupted: true } : report;
  // Nothing measured (every run failed, or Ctrl-C came first): no file is written, so none measured before is lost.
  const measured = report.runs.some((r) => r.latency);
  const chart = chartFile && measured ? await renderLatencyChart(report) : undefined; // rendered first: a failure leaves no file half-updated
  const onStdout = await emitJson(ctx, json === 'stdout' ? true : undefined, doc, []);
  const wrote: string[] = [];
  if (jsonFile && measured) {
    await writeFileAtomic(jsonFile, `${toJson(jsonDocument(doc))}\n`);
    wrote.push(jsonFile);
  }
  if (chart && chartFile) {
    await writeFileAtomic(chartFile, chart);
    wrote.push(chartFile);
  }
  if (!onStdout) ctx.out(`${formatBenchReport(report)}${interrupted ? '\n(interrupted: the runs above are those that finished)' : ''}\n${wrote.map((f) => `\nwrote ${path.relative(process.cwd(), f) || f}`).join('')}\n`);
  if (interrupted) process.exitCode = EXIT_INTERRUPTED;
  else if (!measured) {
    const failed = report.runs.length;
    const unwritten = [jsonFile, chartFile].filter((f): f is string => f !== undefined).map((f) => path.relative(process.cwd(), f) || f);
    ctx.err(
      `trt-node: bench measured nothing: ${failed === 1 ? 'the only run' : `all ${failed} runs`} failed (the reasons are in the ${onStdout ? 'JSON report' : 'lines above'})` +
        `${unwritten.length ? `; ${unwritten.join(' and ')} not written` : ''}\n`,
    );
    process.exitCode = EXIT_FAILED;
  }
}
