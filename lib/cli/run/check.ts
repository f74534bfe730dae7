/**
 * The action of `trt-node check`: flags → CheckOptions (validated before anything runs), then check() once, the
 * text report streamed as probes finish (header and static findings first, a line per run or probe, then the
 * verdict), progress on stderr when it is a TTY, and on Ctrl-C what finished is kept: the partial table, and the
 * JSON and HTML reports marked "interrupted", then exit 130.
 */
import type { CheckOptions, CheckReport, CheckStart } from '../../check/run-check';
import type { Finding } from '../../diagnostics/findings';
import type { CrossCheckProgress } from '../../crosscheck';
import { InvalidValueError, TrtNodeError } from '../../errors';
import type { ModelSummary } from '../../onnx/types';
import type { ProbeReport, Verdict } from '../../pipeline/types';
import type { OptimizationProfile } from '../../shapes/profiles';
import { forTerminal } from '../../util/terminal';
import type { CheckCliOptions } from '../commands/check';
import { DEFAULT_MODEL, DEFAULT_SAMPLES } from '../defaults';
import { quoted } from '../../util/terminal';
import { budgetFrom, buildFlagsGiven, buildSettingsFrom, engineFlag, engineFrom, integerOption, jsonTarget, modelFrom, modelShapeSet, refuseUnusedBuildFlags } from '../options';
import { emitJson, progressLine, type CliContext } from '../output';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes';

/** Names given to `option` that the model lacks (an output for --atol, an input for --range): a usage error naming the flag. */
function refuseUnknownNames(names: Iterable<string>, known: readonly string[], option: string, what: 'input' | 'output'): void {
  for (const name of names) {
    if (!known.includes(name)) throw new InvalidValueError(option, `an ${what} of the model (${known.map(quoted).join(', ') || 'none'})`, name);
  }
}

/** Repeated --atol/--rtol values, each '1e-4', 'output:1e-3' or both comma-separated; later values win. */
async function tolerancesFrom(cli: CheckCliOptions, outputs: readonly string[]): Promise<CheckOptions['tolerance']> {
  const { parseTolerance, mergeTolerances } = require('../../compare') as typeof import('../../compare');
  const merge = (option: '--atol' | '--rtol', values: readonly string[] | undefined) => {
    const merged: { global?: number; perOutput: Record<string, number> } = { perOutput: Object.create(null) };
    for (const v of values ?? []) {
      const p = parseTolerance(option, v);
      if (p.global !== undefined) merged.global = p.global;
      Object.assign(merged.perOutput, p.perOutput);
    }
    refuseUnknownNames(Object.keys(merged.perOutput), outputs, option, 'output');
    return merged;
  };
  return mergeTolerances(merge('--atol', cli.atol), merge('--rtol', cli.rtol));
}

/** CheckOptions from the command line (validated; throws TrtNodeError on usage errors). */
export async function checkOptionsFrom(modelArg: string | undefined, cli: CheckCliOptions): Promise<{ model: string; summary: ModelSummary; options: CheckOptions; report?: string }> {
  const model = modelFrom(modelArg, cli, DEFAULT_MODEL);
  const { readModel } = require('../../onnx/reader') as typeof import('../../onnx/reader');
  const summary = await readModel(model, cli.externalDataDir !== undefined ? { baseDir: cli.externalDataDir } : {});
  const { parseShapesSpec, combineMinOptMax } = require('../../trt/shapes-spec') as typeof import('../../trt/shapes-spec');

  // --shapes: fixed shape sets run with generated inputs; min..opt..max ranges are TensorRT profiles.
  const shapes: Record<string, number[]>[] = [];
  const profiles: OptimizationProfile[] = [];
  for (const spec of cli.shapes ?? []) {
    if (spec.includes('..')) profiles.push(parseShapesSpec(spec, '--shapes'));
    else shapes.push(modelShapeSet(spec, summary, '--shapes', true));
  }
  if (cli.minShapes !== undefined || cli.optShapes !== undefined || cli.maxShapes !== undefined) profiles.push(combineMinOptMax(cli.minShapes, cli.optShapes, cli.maxShapes));
  const probes = (cli.probes ?? []).map((p) => modelShapeSet(p, summary, '--probes'));
  if (probes.length) {
    const { givenProbes } = require('../../pipeline/probes') as typeof import('../../pipeline/probes');
    givenProbes(summary, probes, [], '--probes'); // usage errors named after the flag
  }
  const engine = engineFrom(cli);
  if (engine !== undefined && profiles.length) {
    throw new TrtNodeError('ERR_TRT_NODE_USAGE', `--shapes ranges (or --minShapes/--optShapes/--maxShapes) build an engine, and --engine gives one: give one of the two`, { option: '--engine' });
  }
  const buildFlags = buildFlagsGiven(cli, { profileFlags: false });
  if (engine !== undefined) {
    refuseUnusedBuildFlags(buildFlags, `${engineFlag(cli)} ${engine} is an engine already built`, `drop ${buildFlags.join(', ')}, or drop ${engineFlag(cli)} and give --shapes input:min..opt..max to have check build one`);
  } else if (!profiles.length) {
    refuseUnusedBuildFlags(buildFlags, 'check builds an engine only from --shapes ranges (input:min..opt..max) or --minShapes/--optShapes/--maxShapes', `add one, or drop ${buildFlags.join(', ')}`);
  }
  if (cli.report !== undefined && !/\.(html?|json)$/i.test(cli.report)) {
    throw new TrtNodeError('ERR_TRT_NODE_INVALID_VALUE', `--report: expected a file ending in .html or .json but received ${JSON.stringify(cli.report)}`, { option: '--report' });
  }

  const samples: NonNullable<CheckOptions['samples']> = [];
  if (cli.inputs) samples.push({ inputs: cli.inputs, ...(cli.reference ? { reference: cli.reference } : {}) });
  else if (cli.reference && !summary.inputs.some((i) => !i.isInitializer)) {
    samples.push({ inputs: {}, reference: cli.reference }); // a model without inputs: nothing to feed
  } else if (cli.reference) {
    // A reference without inputs only makes sense if the file also holds the inputs (some users save both).
    const { readNpz } = require('../../tensor/npz') as typeof import('../../tensor/npz');
    const inputs = summary.inputs.filter((i) => !i.isInitializer).map((i) => i.name);
    const budget = budgetFrom(cli);
    const arrays = await readNpz(cli.reference, { names: inputs, ...(budget !== undefined ? { maxTensorBytes: budget } : {}) });
    if (!inputs.some((n) => Object.prototype.hasOwnProperty.call(arrays, n))) {
      throw new TrtNodeError(
        'ERR_TRT_NODE_USAGE',
        `--reference ${cli.reference} holds no array named like the model's inputs (${inputs.join(', ')}): pass --inputs with the .npz of inputs the reference outputs were computed from`,
        { option: '--inputs' },
      );
    }
    samples.push({ inputs: cli.reference, reference: cli.reference });
  }
  const useBundled = modelArg === undefined && cli.onnx === undefined && samples.length === 0 && shapes.length === 0;
  if (useBundled) for (const s of DEFAULT_SAMPLES) samples.push({ inputs: s.inputs, reference: s.reference });

  let valueRange: readonly [number, number] | undefined;
  let valueRanges: Record<string, readonly [number, number]> | undefined;
  if (cli.range !== undefined) {
    const { parseValueRanges } = require('../../data/generate') as typeof import('../../data/generate');
    const r = parseValueRanges(cli.range, '--range');
    refuseUnknownNames(Object.keys(r.perInput), summary.inputs.filter((i) => !i.isInitializer).map((i) => i.name), '--range', 'input');
    valueRange = r.global;
    if (Object.keys(r.perInput).length) valueRanges = r.perInput;
  }
  const tensorrt = profiles.length > 0;
  const outputs = summary.outputs.map((o) => o.name);
  const unordered = cli.unordered?.split(',').map((x) => x.trim()).filter(Boolean);
  if (unordered?.length === 0) throw new InvalidValueError('--unordered', 'output names, comma-separated', cli.unordered);
  refuseUnknownNames(unordered ?? [], outputs, '--unordered', 'output');
  const options: CheckOptions = {
    ...(shapes.length ? { shapes } : {}),
    ...(samples.length ? { samples } : {}),
    tolerance: await tolerancesFrom(cli, outputs),
    ...(unordered !== undefined ? { unordered } : {}),
    ...(cli.saveOutputs ? { saveOutputs: cli.saveOutputs } : {}),
    probe: cli.probe !== false,
    seed: integerOption('--seed', cli.seed, 0) ?? 0,
    ...(budgetFrom(cli) !== undefined ? { maxTensorBytes: budgetFrom(cli) } : {}),
    ...(valueRange ? { valueRange } : {}),
    ...(valueRanges ? { valueRanges } : {}),
    ...(cli.sweep || cli.report !== undefined ? { sweep: true } : {}),
    ...(cli.report !== undefined && /\.html?$/i.test(cli.report) ? { errorMaps: true } : {}),
    ...(probes.length ? { probes } : {}),
    ...(engine !== undefined ? { engine } : {}),
    ...(tensorrt ? { tensorrt: { build: buildSettingsFrom(cli) }, profiles } : {}),
    ...(cli.externalDataDir !== undefined ? { externalDataDir: cli.externalDataDir } : {}),
  };
  return { model, summary, options, ...(cli.report !== undefined ? { report: cli.report } : {}) };
}

/** The files a check reads, so that none of them is chosen as an output (and silently replaced). */
function filesRead(model: string, options: CheckOptions): { file: string | undefined; option: string }[] {
  const fileOf = (v: unknown) => (typeof v === 'string' ? v : undefined); // samples may hold tensors, not paths
  return [
    { file: model, option: 'the model' },
    { file: typeof options.engine === 'string' ? options.engine : undefined, option: '--engine' },
    ...(options.samples ?? []).flatMap((s) => [
      { file: fileOf(s.inputs), option: '--inputs' },
      { file: fileOf(s.reference), option: '--reference' },
    ]),
  ];
}

export async function runCheck(ctx: CliContext, modelArg: string | undefined, cli: CheckCliOptions): Promise<void> {
  const { model, summary, options, report: reportFile } = await checkOptionsFrom(modelArg, cli);
  const { checkOutputFile } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
  const reads = filesRead(model, options);
  // Before the work: an output that cannot be written, or would replace an input, is a usage error now.
  if (options.saveOutputs) await checkOutputFile(options.saveOutputs, '--save-outputs', { inputs: reads });
  if (reportFile) await checkOutputFile(reportFile, '--report', { inputs: [...reads, { file: options.saveOutputs, option: '--save-outputs' }] });
  const json = jsonTarget(cli.json);
  const jsonInputs = [...reads, { file: options.saveOutputs, option: '--save-outputs' }, { file: reportFile, option: '--report' }];
  if (json !== undefined && json !== 'stdout') await checkOutputFile(json, '--json', { inputs: jsonInputs });

  const { check } = require('../../check/run-check') as typeof import('../../check/run-check');
  if (reportFile && /\.html?$/i.test(reportFile)) {
    (require('../../report/charts') as typeof import('../../report/charts')).preloadCharts();
    require('../../report/html');
  }
  const text = json !== 'stdout';
  const printer = text ? await streamingPrinter(ctx) : undefined;
  const progress = progressLine(ctx, ctx.progressAllowed(cli.json));
  let report: CheckReport;
  try {
    report = await check(summary, { // the model as read above: check() does not read it again
      ...options,
      signal: ctx.signal,
      onStart: (s) => printer?.start(s),
      onProgress: (e) => {
        progress.clear();
        printer?.probe(e);
        progress.update(`check: ${e.done}/${Math.max(e.total, e.done)} probes, last ${e.probe.label} (Ctrl-C stops, keeping what finished)`);
      },
    });
  } catch (err) {
    progress.clear();
    const partial = err instanceof TrtNodeError && err.code === 'ERR_TRT_NODE_ABORTED' ? ((err as { partial?: CheckReport }).partial ?? null) : null;
    if (!partial) throw err;
    report = partial;
  }
  progress.clear();

  const lines: string[] = [];
  if (reportFile && report.crossCheck) {
    const { writeHtmlReport, writeJsonReport } = require('../../report') as typeof import('../../report');
    if (/\.json$/i.test(reportFile)) await writeJsonReport(reportFile, report.crossCheck);
    else await writeHtmlReport(reportFile, report.crossCheck);
    lines.push(`Cross-check report written to ${reportFile}${report.interrupted ? ' (interrupted: what finished)' : ''}`);
  }
  const onStdout = await emitJson(ctx, cli.json, report, jsonInputs);
  if (!onStdout && printer) printer.finish(report, lines);
  process.exitCode = report.interrupted ? EXIT_INTERRUPTED : report.pass ? EXIT_OK : EXIT_FAILED;
}

/** Prints check's text as it goes: started, one probe at a time, finished. */
async function streamingPrinter(ctx: CliContext) {
  const fmt = require('../../check/format') as typeof import('../../check/format');
  const table = require('../../report/table') as typeof import('../../report/table');
  const { verdictText } = require('../../report/style') as typeof import('../../report/style');
  const { attemptView, runViewsOf } = require('../../check/run-check') as typeof import('../../check/run-check');
  const { isRequestedRun } = require('../../pipeline/probes') as typeof import('../../pipeline/probes');
  const style = ctx.style;
  const print = (lines: string[]) => ctx.out(`${lines.join('\n')}\n`);
  let start: CheckStart | undefined;
  let attemptsHeader = false;
  let firstRow: number | undefined;
  // Rows are printed as probes finish; the output-dims check runs over all of them at the end and can turn a row
  // printed as passing into a failure. The report objects are the pipeline's own, so the final verdict is on them.
  const printed: { report: ProbeReport; verdict: Verdict }[] = [];
  return {
    start(s: CheckStart) {
      start = s;
      print([fmt.formatCheckHeader(s.model, s.opset), '', ...fmt.formatFindings('Findings', s.findings, style), '']);
      if (s.crossCheck) print([...table.crossCheckPreamble({ model: s.model, runners: s.runners, ...s.crossCheck }, style), '', table.crossCheckTableHeader(s.runners, style)]);
      else print(['Runs']);
    },
    probe(e: CrossCheckProgress) {
      if (!start) return;
      const p = e.report;
      printed.push({ report: p, verdict: p.verdict });
      if (start.crossCheck) {
        if (p.verdict === 'fail' && firstRow === undefined) firstRow = p.index;
        print([table.crossCheckRow(p, start.runners, style, firstRow)]);
      } else if (isRequestedRun(p)) {
        print(runViewsOf(p, start.runners).flatMap((r) => fmt.formatRun(r, style)));
      } else {
        if (!attemptsHeader) print(['', 'Dynamic axes probed']);
        attemptsHeader = true;
        print([fmt.formatAttempt(attemptView(p), style)]);
      }
    },
    finish(report: CheckReport, extra: string[]) {
      const out: string[] = [];
      if (!start) out.push(fmt.formatCheckReport(report, style));
      else {
        const changed = printed.filter((x) => x.report.verdict !== x.verdict);
        if (changed.length) {
          out.push('', 'Changed by the output-dims check (run over all probes at the end):');
          for (const { report: p, verdict } of changed) {
            const why = p.dimIssues.map((d) => `${d.runner} ${d.output}[${d.axis}]: expected ${d.expected}, got ${d.got}`).join('; ');
            out.push(`  probe ${p.index} (${forTerminal(p.label)}): ${table.verdictLabel(verdict)} → ${verdictText(table.verdictLabel(p.verdict), style)}${why ? ` — ${forTerminal(why)}` : ''}`);
          }
        }
        if (report.crossCheck) out.push(...table.crossCheckEpilogue(report.crossCheck, style, { findings: false }));
        const fromRuns = report.findings.filter((f: Finding) => !start!.findings.includes(f));
        if (fromRuns.length) out.push('', ...fmt.formatFindings('Findings from the runs', fromRuns, style));
        if (report.savedOutputs) out.push('', `Outputs saved to ${report.savedOutputs}`);
        if (extra.length) out.push('', ...extra);
        out.push('', fmt.formatCheckResult(report, style));
      }
      print(out);
    },
  };
}
