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
import { isRanged } from '../../shapes/spec';
import { forTerminal } from '../../util/terminal';
import type { CheckCliOptions } from '../commands/check';
import { DEFAULT_MODEL, DEFAULT_SAMPLES } from '../defaults';
import { quoted } from '../../util/terminal';
import { budgetFrom, integerOption, jsonTarget, modelFrom } from '../options';
import { engineSourceFrom, refuseUnusedBuildFlags, requireEngineFile, type EngineSource } from '../options/engine';
import { shapeSetsOf, shapeTexts } from '../options/shapes';
import { emitJson, progressLine, type CliContext, type InputFiles } from '../output';
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

/** --shapes and --probes, and where an engine comes from (a plan, or profiles with any build option). */
function runsAndEngine(cli: CheckCliOptions, summary: ModelSummary): { shapes: Record<string, number[]>[]; probes: Record<string, number[]>[]; source: EngineSource } {
  // --shapes: fixed sets run with generated inputs (0 allowed: onnxruntime runs empty tensors); ranges are profiles.
  const texts = shapeTexts('--shapes', cli.shapes, summary, { allowZero: true });
  const shapes = shapeSetsOf(texts.filter((t) => !isRanged(t)), '');
  const source = engineSourceFrom(cli, summary, { command: 'check', shapeProfiles: texts.filter(isRanged) });
  requireEngineFile(source);
  if (source.engine === undefined && source.profiles.length === 0) {
    refuseUnusedBuildFlags(
      source.buildFlags,
      'check builds an engine only from a profile (a --shapes range input:min..opt..max, --profile, or --minShapes/--optShapes/--maxShapes)',
      `add one, or drop ${source.buildFlags.join(', ')}`,
    );
  }
  const probes = shapeSetsOf(shapeTexts('--probes', cli.probes, summary), 'min..opt..max ranges are profiles: give them to --shapes or --profile, and --probes the shapes to cross-check at');
  if (probes.length) {
    const { givenProbes } = require('../../pipeline/probes') as typeof import('../../pipeline/probes');
    givenProbes(summary, probes, [], '--probes'); // usage errors named after the flag
  }
  return { shapes, probes, source };
}

/** --inputs and --reference as samples; the bundled example's samples when nothing else is run. */
async function samplesFrom(cli: CheckCliOptions, summary: ModelSummary, bundled: boolean): Promise<NonNullable<CheckOptions['samples']>> {
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
  if (bundled && samples.length === 0) for (const s of DEFAULT_SAMPLES) samples.push({ inputs: s.inputs, reference: s.reference });
  return samples;
}

/** --range: the value range of generated inputs, for all and/or per input. */
function valueRangesFrom(cli: CheckCliOptions, summary: ModelSummary): Pick<CheckOptions, 'valueRange' | 'valueRanges'> {
  if (cli.range === undefined) return {};
  const { parseValueRanges } = require('../../data/generate') as typeof import('../../data/generate');
  const r = parseValueRanges(cli.range, '--range');
  refuseUnknownNames(Object.keys(r.perInput), summary.inputs.filter((i) => !i.isInitializer).map((i) => i.name), '--range', 'input');
  return { ...(r.global ? { valueRange: r.global } : {}), ...(Object.keys(r.perInput).length ? { valueRanges: r.perInput } : {}) };
}

/** --unordered: output names, each an output of the model. */
function unorderedFrom(cli: CheckCliOptions, outputs: readonly string[]): string[] | undefined {
  const unordered = cli.unordered?.split(',').map((x) => x.trim()).filter(Boolean);
  if (unordered?.length === 0) throw new InvalidValueError('--unordered', 'output names, comma-separated', cli.unordered);
  refuseUnknownNames(unordered ?? [], outputs, '--unordered', 'output');
  return unordered;
}

/** --layers: 'all', or comma-separated tensor names, node names and op types, each checked against the model. */
function layersFrom(cli: CheckCliOptions, summary: ModelSummary): CheckOptions['layers'] {
  if (cli.layers === undefined) return undefined;
  const text = cli.layers.trim();
  const layers = text === 'all' ? 'all' : text.split(',').map((x) => x.trim()).filter(Boolean);
  const { resolveLayers } = require('../../diagnostics/layers/selection') as typeof import('../../diagnostics/layers/selection');
  resolveLayers(summary, layers, '--layers'); // unknown names refused here, named after the flag
  return layers;
}

/** CheckOptions from the command line (validated; throws TrtNodeError on usage errors). The model is read once. */
export async function checkOptionsFrom(
  modelArg: string | undefined,
  cli: CheckCliOptions,
): Promise<{ model: string; summary: ModelSummary; options: CheckOptions; report?: string; reads: InputFiles }> {
  const model = modelFrom(modelArg, cli, DEFAULT_MODEL);
  const { readModel } = require('../../onnx/reader') as typeof import('../../onnx/reader');
  const summary = await readModel(model, cli.externalDataDir !== undefined ? { baseDir: cli.externalDataDir } : {});
  const { shapes, probes, source } = runsAndEngine(cli, summary);
  if (cli.report !== undefined && !/\.(html?|json)$/i.test(cli.report)) {
    throw new TrtNodeError('ERR_TRT_NODE_INVALID_VALUE', `--report: expected a file ending in .html or .json but received ${JSON.stringify(cli.report)}`, { option: '--report' });
  }
  const bundled = modelArg === undefined && cli.onnx === undefined && shapes.length === 0;
  const samples = await samplesFrom(cli, summary, bundled);
  const outputs = summary.outputs.map((o) => o.name);
  const unordered = unorderedFrom(cli, outputs);
  const layers = layersFrom(cli, summary);
  const options: CheckOptions = {
    ...(shapes.length ? { shapes } : {}),
    ...(samples.length ? { samples } : {}),
    tolerance: await tolerancesFrom(cli, outputs),
    ...(unordered !== undefined ? { unordered } : {}),
    ...(cli.saveOutputs ? { saveOutputs: cli.saveOutputs } : {}),
    probe: cli.probe !== false,
    seed: integerOption('--seed', cli.seed, 0) ?? 0,
    ...(budgetFrom(cli) !== undefined ? { maxTensorBytes: budgetFrom(cli) } : {}),
    ...valueRangesFrom(cli, summary),
    ...(cli.sweep || cli.report !== undefined ? { sweep: true } : {}),
    ...(cli.report !== undefined && /\.html?$/i.test(cli.report) ? { errorMaps: true } : {}),
    ...(probes.length ? { probes } : {}),
    ...(source.engine !== undefined ? { engine: source.engine, ...(source.device !== undefined ? { tensorrt: { device: source.device } } : {}) } : {}),
    ...(source.profiles.length ? { tensorrt: { build: source.build }, profiles: source.profiles } : {}),
    ...(cli.externalDataDir !== undefined ? { externalDataDir: cli.externalDataDir } : {}),
    ...(layers !== undefined ? { layers } : {}),
  };
  return { model, summary, options, ...(cli.report !== undefined ? { report: cli.report } : {}), reads: [...filesRead(model, options), ...source.reads] };
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

export async function runCheck(ctx: CliContext, modelArg: string | undefined, cli: CheckCliOptions): Promise<number> {
  const { summary, options, report: reportFile, reads } = await checkOptionsFrom(modelArg, cli);
  const { checkOutputFile } = require('../../io/atomic-write') as typeof import('../../io/atomic-write');
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
    // The summary, not the path: the model is not read again.
    report = await check(summary, {
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
    // The report carries check's verdict too (its findings count): it says what the text and the exit code say.
    const verdict = { result: report.result, line: (require('../../check/format') as typeof import('../../check/format')).resultDetail(report) };
    if (/\.json$/i.test(reportFile)) await writeJsonReport(reportFile, report.crossCheck, { pass: report.pass, result: report.result, parts: report.parts });
    else await writeHtmlReport(reportFile, report.crossCheck, { verdict });
    lines.push(`Cross-check report written to ${reportFile}${report.interrupted ? ' (interrupted: what finished)' : ''}`);
  }
  const onStdout = await emitJson(ctx, cli.json, report, jsonInputs);
  if (!onStdout && printer) printer.finish(report, lines);
  return report.interrupted ? EXIT_INTERRUPTED : report.pass ? EXIT_OK : EXIT_FAILED;
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
        if (report.layers) out.push('', ...(require('../../report/layers') as typeof import('../../report/layers')).formatLayers(report.layers, style));
        if (report.savedOutputs) out.push('', `Outputs saved to ${report.savedOutputs}`);
        if (extra.length) out.push('', ...extra);
        out.push('', fmt.formatCheckResult(report, style));
      }
      print(out);
    },
  };
}
