/**
 * Do the outputs' dims follow the dynamic axes? Across the probes a runner ran, each output axis is checked
 * against the model's declared dims: a fixed dim must stay at its value; a dim named after an input's symbol
 * (torch.onnx.export's dynamic_axes give outputs the same names) must change with it, e.g. super-resolution's
 * output height = 3 × input height. An output dim that stays put while the symbol changes means a size traced as a
 * constant (SHAPE_NOT_DYNAMIC): the engine would return wrong-sized results at every other size. An output dim that
 * leaves its declared fixed value is FIXED_DIM on the output (torch.onnx.export fixes each output dim dynamic_axes does
 * not name at its traced size). Both fail the probes they show at, so both are errors: the verdict fails on them.
 */
import { exportCall, exporterOf, formatDims, pyDynamicAxes, pyStr } from '../diagnostics/graph';
import { tracedIntFix } from '../diagnostics/rules/shape-not-dynamic';
import type { Finding } from '../diagnostics/findings';
import { own } from '../util/names';
import type { ModelSummary, ValueSummary } from '../onnx/types';
import type { AxisSymbol } from './probes';
import type { DimCheck, DimIssue, ProbeReport } from './types';

/** How far a probe's output dim may sit from the fitted line (strided convs floor/ceil: at most ½). */
const FIT_SLACK = 1;

function fitLine(points: readonly { value: number; dim: number }[]): { scale: number; offset: number; residual: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.value, 0) / n;
  const my = points.reduce((s, p) => s + p.dim, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.value - mx) ** 2;
    sxy += (p.value - mx) * (p.dim - my);
  }
  const scale = sxx ? sxy / sxx : 0;
  const offset = my - scale * mx;
  const residual = Math.max(...points.map((p) => Math.abs(p.dim - (scale * p.value + offset))));
  return { scale, offset, residual };
}

function round(x: number): number {
  return Math.abs(x) < 1e-9 ? 0 : Number(x.toPrecision(4));
}

function relationText(symbol: string, scale: number, offset: number): string {
  const s = round(scale);
  const o = round(offset);
  const head = s === 1 ? symbol : `${s} × ${symbol}`;
  return o === 0 ? head : `${head} ${o > 0 ? '+' : '−'} ${Math.abs(o)}`;
}

/** The input symbol an output axis follows across the probes (out = scale x symbol + offset), if one fits. */
function followedSymbol(symbols: readonly AxisSymbol[], points: readonly { values: Record<string, number>; dim: number }[]): { symbol: string; scale: number; offset: number } | undefined {
  if (new Set(points.map((p) => p.dim)).size < 2) return undefined;
  for (const { symbol } of symbols) {
    const withValue = points.filter((p) => p.values[symbol] !== undefined).map((p) => ({ value: p.values[symbol], dim: p.dim }));
    if (withValue.length < 2 || new Set(withValue.map((p) => p.value)).size < 2) continue;
    const fit = fitLine(withValue);
    if (fit.residual <= FIT_SLACK && fit.scale > 0) return { symbol, scale: round(fit.scale), offset: round(fit.offset) };
  }
  return undefined;
}

/**
 * FIXED_DIM on an output: it declares `axis` as `declared`, and `runner` returned other sizes. Either the dim follows an
 * input's (the classic exporter fixes every output dim dynamic_axes does not name: name it), or the declared shape is
 * simply wrong (the graph computes another size everywhere: the file was changed after export).
 */
function outputFixedDimFinding(
  model: ModelSummary,
  output: ValueSummary,
  axis: number,
  declared: number,
  runner: string,
  points: readonly { values: Record<string, number>; dim: number }[],
  symbols: readonly AxisSymbol[],
): Finding {
  const got = [...new Set(points.filter((p) => p.dim !== declared).map((p) => p.dim))].sort((a, b) => a - b);
  const all = points.every((p) => p.dim !== declared);
  const head =
    `Output '${output.name}' declares axis ${axis} as ${declared}, but ${runner} returns ${got.join(', ')} ` +
    `${all ? `at every probe that ran (${points.length})` : `at ${points.filter((p) => p.dim !== declared).length} of ${points.length} probes`}`;
  const follows = followedSymbol(symbols, points);
  const exporter = exporterOf(model);
  if (follows) {
    const label = follows.scale === 1 && follows.offset === 0 ? follows.symbol : `out_${follows.symbol}`;
    const use = symbols.find((s) => s.symbol === follows.symbol)!.uses[0];
    const inputs = model.inputs
      .filter((i) => !i.isInitializer && i.dims?.some((d) => d.kind === 'symbolic'))
      .map((i) => ({ name: i.name, axes: i.dims!.flatMap((d, a) => (d.kind === 'symbolic' ? [{ axis: a, label: d.name }] : [])) }));
    const axes = pyDynamicAxes([...inputs, { name: output.name, axes: [{ axis, label }] }]);
    const fix = exporter === 'dynamo' ? `${exportCall(exporter, 'dynamic_shapes=..., ...')} (dynamo declares output dims from dynamic_shapes: re-export)` : exportCall(exporter, `dynamic_axes=${axes}, ...`);
    return {
      code: 'FIXED_DIM',
      severity: 'error',
      message:
        `${head}: it follows '${follows.symbol}' (input '${use.input}' axis ${use.axis}), so the model's declared output shape ` +
        `${formatDims(output.dims)} is wrong at every other size. torch.onnx.export fixes each output dim that ` +
        `dynamic_axes does not name at its export-time size; name this one too (a new name when it is not the input's size: ` +
        `in ONNX one name is one size), e.g. dynamic_axes=${axes}.`,
      fix,
      details: { output: output.name, outputAxis: axis, declared, got, follows, runner },
    };
  }
  return {
    code: 'FIXED_DIM',
    severity: 'error',
    message:
      `${head}: the declared output shape is wrong${all && got.length === 1 ? ` (the graph computes ${got[0]})` : ''}. ` +
      `An exporter declares what it traced, so the file was most likely changed after export (edited, or converted by ` +
      `another tool); TensorRT and onnxruntime compute the real size, and code that trusts the declared one reads the ` +
      `wrong amount. Re-export, or correct the declared dim.`,
    fix: `re-export the model, or declare ${pyStr(output.name)} axis ${axis} as the size the graph computes`,
    details: { output: output.name, outputAxis: axis, declared, got, runner },
  };
}

export interface DimAnalysis {
  checks: DimCheck[];
  issues: (DimIssue & { probe: number })[];
  findings: Finding[];
}

/** Checks every output axis of every model runner over the probes it ran. */
export function checkOutputDims(model: ModelSummary, symbols: readonly AxisSymbol[], probes: readonly ProbeReport[], runners: readonly string[]): DimAnalysis {
  const checks: DimCheck[] = [];
  const issues: (DimIssue & { probe: number })[] = [];
  const findings: Finding[] = [];
  const symbolNames = new Set(symbols.map((s) => s.symbol));
  for (const runner of runners) {
    const ran = probes.flatMap((p) => {
      const r = p.runs.find((x) => x.runner === runner && x.status === 'ran' && x.outputDims);
      return r ? [{ probe: p, dims: r.outputDims! }] : [];
    });
    if (ran.length === 0) continue;
    for (const out of model.outputs) {
      if (!out.dims) {
        checks.push({ runner, output: out.name, axis: -1, declared: '?', verdict: 'unchecked', message: `'${out.name}' has no declared shape` });
        continue;
      }
      const dimsOf = (r: (typeof ran)[number]) => own(r.dims, out.name);
      const rankIssues = ran.filter((r) => dimsOf(r) && dimsOf(r)!.length !== out.dims!.length);
      for (const r of rankIssues) {
        issues.push({ probe: r.probe.index, runner, output: out.name, axis: -1, expected: `rank ${out.dims.length}`, got: dimsOf(r)!.length });
      }
      if (rankIssues.length && !findings.some((f) => f.details?.output === out.name && f.details?.outputAxis === -1)) {
        const got = [...new Set(rankIssues.map((r) => dimsOf(r)!.length))];
        findings.push({
          code: 'FIXED_DIM',
          severity: 'error',
          message:
            `Output '${out.name}' is declared with rank ${out.dims.length} ${formatDims(out.dims)}, but ${runner} returns rank ${got.join(', ')}: ` +
            'the declared output shape is wrong (the file was most likely changed after export). Re-export, or correct the declared shape.',
          fix: `re-export the model, or declare ${pyStr(out.name)} with the rank the graph computes`,
          details: { output: out.name, outputAxis: -1, declared: out.dims.length, got, runner },
        });
      }
      out.dims.forEach((d, axis) => {
        const points = ran
          .filter((r) => dimsOf(r)?.length === out.dims!.length)
          .map((r) => ({ probe: r.probe.index, values: r.probe.values, dim: dimsOf(r)![axis] }));
        if (points.length === 0) return;
        if (d.kind === 'fixed') {
          const bad = points.filter((p) => p.dim !== d.value);
          for (const p of bad) issues.push({ probe: p.probe, runner, output: out.name, axis, expected: String(d.value), got: p.dim });
          if (bad.length && !findings.some((f) => f.details?.output === out.name && f.details?.outputAxis === axis)) {
            findings.push(outputFixedDimFinding(model, out, axis, d.value, runner, points, symbols));
          }
          checks.push({
            runner,
            output: out.name,
            axis,
            declared: String(d.value),
            verdict: bad.length ? 'mismatch' : 'fixed',
            message: bad.length
              ? `axis ${axis} is declared ${d.value} but is ${[...new Set(bad.map((p) => p.dim))].join(', ')} at ${bad.length} probe(s)`
              : `axis ${axis} stays ${d.value} as declared`,
          });
          return;
        }
        const declared = d.kind === 'symbolic' ? d.name : '?';
        if (d.kind !== 'symbolic' || !symbolNames.has(d.name)) {
          // A name of its own ('out_height' of a 3x upscaler): checked when it follows an input's dim across the probes.
          const follows = d.kind === 'symbolic' ? followedSymbol(symbols, points) : undefined;
          if (follows) {
            const withValue = points.map((p) => ({ probe: p.probe, value: p.values[follows.symbol], dim: p.dim }));
            checks.push({ runner, output: out.name, axis, declared, verdict: 'follows', relation: follows, points: withValue, message: `axis ${axis} (${declared}) = ${relationText(follows.symbol, follows.scale, follows.offset)}` });
            return;
          }
          checks.push({
            runner,
            output: out.name,
            axis,
            declared,
            verdict: 'unchecked',
            message: `axis ${axis} (${declared}) is not named after an input dim: data-dependent or derived, not checked`,
          });
          return;
        }
        const symbol = d.name;
        const withValue = points.map((p) => ({ probe: p.probe, value: p.values[symbol], dim: p.dim })).filter((p) => p.value !== undefined);
        const distinct = new Set(withValue.map((p) => p.value));
        if (distinct.size < 2) {
          checks.push({ runner, output: out.name, axis, declared, verdict: 'unchecked', points: withValue, message: `'${symbol}' took one value only in the probes that ran` });
          return;
        }
        const first = withValue[0];
        if (withValue.every((p) => p.dim === first.dim)) {
          const moved = withValue.filter((p) => p.value !== first.value);
          for (const p of moved) issues.push({ probe: p.probe, runner, output: out.name, axis, expected: `to change with '${symbol}' (${first.value} → ${p.value})`, got: p.dim });
          const use = symbols.find((s) => s.symbol === symbol)!.uses[0];
          const message =
            `Output '${out.name}' declares axis ${axis} as '${symbol}', like input '${use.input}' axis ${use.axis}, but it stays ${first.dim} ` +
            `while '${symbol}' takes ${[...distinct].sort((x, y) => x - y).join(', ')} (${runner}): the graph holds the export-time size ` +
            '(a size traced as a Python int).';
          checks.push({ runner, output: out.name, axis, declared, verdict: 'constant', points: withValue, message });
          if (!findings.some((f) => f.details?.output === out.name && f.details?.outputAxis === axis)) {
            const advice = tracedIntFix(exporterOf(model));
            findings.push({
              code: 'SHAPE_NOT_DYNAMIC',
              severity: 'error', // it fails the probes it shows at
              message: `${message} ${advice.text}`,
              fix: advice.fix,
              input: use.input,
              axis: use.axis,
              details: { output: out.name, outputAxis: axis, symbol, outputSize: first.dim, values: [...distinct], source: 'cross-check sweep' },
            });
          }
          return;
        }
        const fit = fitLine(withValue);
        const relation = { symbol, scale: round(fit.scale), offset: round(fit.offset) };
        if (fit.residual <= FIT_SLACK && fit.scale > 0) {
          checks.push({ runner, output: out.name, axis, declared, verdict: 'follows', relation, points: withValue, message: `axis ${axis} = ${relationText(symbol, fit.scale, fit.offset)}` });
        } else {
          checks.push({
            runner,
            output: out.name,
            axis,
            declared,
            verdict: 'irregular',
            relation,
            points: withValue,
            message: `axis ${axis} changes with '${symbol}' but not linearly (${withValue.map((p) => `${p.value}→${p.dim}`).join(', ')}): it may depend on other dims too`,
          });
        }
      });
    }
  }
  return { checks, issues, findings };
}
