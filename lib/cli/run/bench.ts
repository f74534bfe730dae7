/**
 * The action of `trt-node bench`: flags → BenchOptions (each value checked and named by its flag), then runBench
 * with progress on stderr, the table on stdout, and the JSON report and SVG chart written only when asked: --files
 * (bench.json, bench.svg in the current folder), --json <file>, --chart <file>. Ctrl-C keeps what was measured (marked interrupted), exit 130.
 * Nothing measured at all (every run failed): the failures printed, no file written, exit 1.
 */
import * as path from 'path';
import type { BenchOptions, BenchReport } from '../../bench';
import { durationSeconds, MAX_CONCURRENCY, parseBackends, parseDevices } from '../../bench/options';
import { MAX_CONTEXTS } from '../../trt/device';
import type { BuiltInRunnerKind } from '../../runners/runner';
import { InvalidValueError, TrtNodeError } from '../../errors';
import type { ModelSummary } from '../../onnx/types';
import { formatShapeList, isRanged } from '../../shapes/spec';
import type { BenchCliOptions } from '../commands/bench';
import { DEFAULT_MODEL } from '../defaults';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes';
import { budgetFrom, integerOption, jsonTarget, modelFrom } from '../options';
import { engineSourceFrom, refuseUnusedBuildFlags, requireEngineFile, type EngineSource } from '../options/engine';
import { shapeSetsOf, shapeTexts } from '../options/shapes';
import { emitJson, jsonDocument, progressLine, type CliContext, type InputFiles } from '../output';
import { toJson } from '../../util/json';

/** The default shapes for the bundled example: small and medium images, one run under ~30 s on 2 cores. */
const DEFAULT_SHAPES = ['input:1x1x224x224', 'input:1x1x512x512'];

/** onnxruntime starts every thread asked for: --threads 100000 hung for minutes before measuring anything. */
const MAX_THREADS = 1024;

type Measuring = Pick<BenchOptions, 'warmup' | 'iterations' | 'durationS' | 'threads' | 'streams' | 'concurrency' | 'cudaGraph' | 'devices'> & { runners?: BuiltInRunnerKind[] };

/** The flags that set how TensorRT runs, as given (refused when no TensorRT runs). */
function tensorrtRunFlags(cli: BenchCliOptions): string[] {
  return [cli.streams !== undefined && '--streams', cli.cudaGraph === true && '--cuda-graph', cli.devices !== undefined && '--devices'].filter((f): f is string => f !== false);
}

/**
 * How long and how much to measure: --warmup, --iterations or --duration, --threads, --backends, --concurrency; how
 * TensorRT runs: --streams, --cuda-graph, --devices.
 */
function measuringFrom(cli: BenchCliOptions): Measuring {
  if (cli.iterations !== undefined && cli.duration !== undefined) {
    throw new InvalidValueError('--iterations', 'either --iterations or --duration, not both', cli.iterations);
  }
  const settings = {
    runners: cli.backends === undefined ? undefined : parseBackends(cli.backends, '--backends'),
    warmup: integerOption('--warmup', cli.warmup, 0),
    iterations: integerOption('--iterations', cli.iterations, 1),
    durationS: cli.duration === undefined ? undefined : durationSeconds(cli.duration, '--duration'),
    threads: integerOption('--threads', cli.threads, 1, MAX_THREADS),
    streams: integerOption('--streams', cli.streams, 1, MAX_CONTEXTS),
    concurrency: integerOption('--concurrency', cli.concurrency, 1, MAX_CONCURRENCY),
    cudaGraph: cli.cudaGraph === true ? true : undefined,
    devices: cli.devices === undefined ? undefined : parseDevices(cli.devices, '--devices'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

/**
 * The shape sets to run and where the TensorRT engine comes from. A --shapes range is a profile of the engine bench
 * builds, run at its opt shapes; with profiles and no fixed set, bench runs at each profile's opt (as trtexec does).
 */
function runsAndEngine(cli: BenchCliOptions, summary: ModelSummary, bundled: boolean, backends: BuiltInRunnerKind[] | undefined): { shapes: Record<string, number[]>[]; source: EngineSource } {
  const texts = shapeTexts('--shapes', cli.shapes?.length ? cli.shapes : bundled ? DEFAULT_SHAPES : [], summary);
  const ranged = texts.filter(isRanged);
  const source = engineSourceFrom(cli, summary, { command: 'bench', shapeProfiles: ranged });
  requireEngineFile(source);
  if (backends && !backends.includes('tensorrt')) {
    if (source.engine !== undefined) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${source.engineFlag} ${source.engine} is a TensorRT engine, but --backends ${cli.backends} runs no TensorRT: add trt to --backends, or drop ${source.engineFlag}`, {
        option: source.engineFlag,
      });
    }
    refuseUnusedBuildFlags(source.buildFlags, `--backends ${cli.backends} runs no TensorRT`, `add trt to --backends, or drop ${source.buildFlags.join(', ')}`);
    const runFlags = tensorrtRunFlags(cli);
    if (runFlags.length) {
      throw new TrtNodeError('ERR_TRT_NODE_USAGE', `${runFlags.join(', ')} ${runFlags.length === 1 ? 'sets' : 'set'} how TensorRT runs, but --backends ${cli.backends} runs no TensorRT: add trt to --backends, or drop ${runFlags.join(', ')}`, {
        option: runFlags[0],
      });
    }
  }
  const fixed = shapeSetsOf(texts.filter((t) => !isRanged(t)), '');
  const atOpt = (ranged.length ? source.profiles.slice(0, ranged.length) : fixed.length ? [] : source.profiles).map((p) =>
    Object.fromEntries(Object.entries(p).map(([name, r]) => [name, [...r.opt]])),
  );
  return { shapes: [...fixed, ...atOpt], source };
}

/** The report and chart files (--files: in the current folder; --json/--chart <file>), checked before minutes of measuring. */
async function outputsFrom(cli: BenchCliOptions, reads: InputFiles): Promise<{ json: string | undefined; jsonFile?: string; chartFile?: string }> {
  const json = jsonTarget(cli.json);
  const writeFiles = cli.files === true; // bench.json and bench.svg only when asked (--files)
  const jsonFile = json === 'stdout' ? undefined : json ?? (writeFiles ? path.resolve('bench.json') : undefined);
  const chartFile = cli.chart ?? (writeFiles ? path.resolve('bench.svg') : undefined);
  const { checkOutputFile } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
  if (jsonFile) await checkOutputFile(jsonFile, '--json', { createFolder: true, inputs: reads });
  if (chartFile) await checkOutputFile(chartFile, '--chart', { createFolder: true, inputs: [...reads, { file: jsonFile, option: '--json' }] });
  return { json, jsonFile, chartFile };
}

/** runBench with progress on stderr; Ctrl-C keeps what was measured (marked interrupted). */
async function measure(ctx: CliContext, cli: BenchCliOptions, options: BenchOptions): Promise<{ report: BenchReport; interrupted: boolean }> {
  const { runBench } = require('../../bench') as typeof import('../../bench');
  const progress = progressLine(ctx, ctx.progressAllowed(cli.json));
  try {
    return {
      report: await runBench({
        ...options,
        signal: ctx.signal,
        onProgress: (e) => {
          const name = e.backend;
          const where = e.shapes ? ` ${formatShapeList(e.shapes)}` : '';
          progress.update(`bench: ${name}${where} ${e.phase}${e.phase === 'preparing' ? '' : ` ${e.done}${e.total !== null ? `/${e.total}` : ''}`}`);
        },
      }),
      interrupted: false,
    };
  } catch (err) {
    const partial = err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED' ? (err as { partial?: BenchReport }).partial : undefined;
    if (!partial) throw err;
    return { report: partial, interrupted: true };
  } finally {
    progress.clear();
  }
}

/** The action of `trt-node bench`: flags read and checked, outputs guarded, measured, written, exit code returned. */
export async function runBenchCommand(ctx: CliContext, modelArg: string | undefined, cli: BenchCliOptions): Promise<number> {
  const modelPath = modelFrom(modelArg, cli, DEFAULT_MODEL);
  const measuring = measuringFrom(cli);
  const { readModel } = require('../../onnx/reader') as typeof import('../../onnx/reader');
  const summary = await readModel(modelPath, cli.externalDataDir !== undefined ? { baseDir: cli.externalDataDir } : {});
  const bundled = modelArg === undefined && cli.onnx === undefined;
  const { shapes: sets, source } = runsAndEngine(cli, summary, bundled, measuring.runners);
  // Checked against the model here, so that errors name the flag (runBench names its `shapes` option).
  const { resolveShapes } = require('../../bench/run-bench') as typeof import('../../bench/run-bench');
  const shapes = resolveShapes(summary, sets, '--shapes');
  const { json, jsonFile, chartFile } = await outputsFrom(cli, [{ file: modelPath, option: 'the model' }, ...source.reads]);

  const { report, interrupted } = await measure(ctx, cli, {
    model: summary,
    ...(cli.externalDataDir !== undefined ? { externalDataDir: cli.externalDataDir } : {}),
    shapes,
    ...measuring,
    ...(source.engine !== undefined ? { engine: source.engine, ...(source.device !== undefined ? { device: source.device } : {}) } : {}),
    ...(source.profiles.length ? { profiles: source.profiles } : {}),
    ...(Object.keys(source.build).length ? { build: source.build } : {}),
    ...(budgetFrom(cli) !== undefined ? { maxTensorBytes: budgetFrom(cli) } : {}),
  });
  return writeResults(ctx, report, interrupted, json, jsonFile, chartFile);
}

/** The table on stdout, the JSON report and the chart written; nothing measured: no file, exit 1. */
async function writeResults(ctx: CliContext, report: BenchReport, interrupted: boolean, json: string | undefined, jsonFile: string | undefined, chartFile: string | undefined): Promise<number> {
  const { formatBenchReport, renderLatencyChart } = require('../../bench') as typeof import('../../bench');
  const { writeFileAtomic } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
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
  if (!onStdout) ctx.out(`${formatBenchReport(report, ctx.style)}${interrupted ? '\n(interrupted: the runs above are those that finished)' : ''}\n${wrote.map((f) => `\nwrote ${path.relative(process.cwd(), f) || f}`).join('')}\n`);
  if (interrupted) return EXIT_INTERRUPTED;
  if (!measured) {
    const failed = report.runs.length;
    const unwritten = [jsonFile, chartFile].filter((f): f is string => f !== undefined).map((f) => path.relative(process.cwd(), f) || f);
    ctx.err(
      `trt-node: bench measured nothing: ${failed === 1 ? 'the only run' : `all ${failed} runs`} failed (the reasons are in the ${onStdout ? 'JSON report' : 'lines above'})` +
        `${unwritten.length ? `; ${unwritten.join(' and ')} not written` : ''}\n`,
    );
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
