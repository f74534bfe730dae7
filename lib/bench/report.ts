/** The benchmark's report: a text table, the JSON document, and an SVG chart of the latency distributions. */
import { renderSvg, type VegaLiteSpec } from '../report/charts';
import { hangingWrap, type TextStyle } from '../report/style';
import { formatShapeList as shapeLabel } from '../shapes/spec';
import type { BackendRun, BenchReport } from './run-bench';
import type { LatencyStats } from './stats';


const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function statCells(s: LatencyStats): string[] {
  return [s.min, s.mean, s.median, s.p90, s.p95, s.p99, s.max, s.iqr].map(ms);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** A row's backend as printed: figures of trt-node's TensorRT stand-in say so in every line they appear in. */
function rowName(r: BackendRun): string {
  return r.standIn ? `${r.backend} (stand-in)` : r.backend;
}

/** 'device 0: 51, device 1: 49 runs; 2 contexts used; CUDA graphs: 98 launched, 2 captured' */
function executionLine(r: BackendRun): string | undefined {
  const e = r.execution;
  if (!e) return undefined;
  const devices = Object.entries(e.runsPerDevice).map(([d, n]) => `device ${d}: ${n}`).join(', ');
  const graphs = Object.entries(e.cudaGraph).filter(([use]) => use !== 'off').map(([use, n]) => `${n} ${use}`);
  const refused = e.cudaGraphRefusals.length ? ` (capture refused: ${e.cudaGraphRefusals.join('; ')})` : '';
  return (
    `${rowName(r)} ${shapeLabel(r.shapes)}: runs on ${devices}; ${Object.keys(e.runsPerContext).length} execution context(s) used` +
    `${graphs.length ? `; CUDA graphs: ${graphs.join(', ')}${refused}` : ''}`
  );
}

/** The report as text: the table as it is, every other line wrapped to `style.width` (the terminal's; default 100). */
export function formatBenchReport(report: BenchReport, style?: TextStyle): string {
  const m = report.machine;
  const lines = [
    `trt-node bench: ${report.model}`,
    `machine: ${m.cpuModel}, ${m.cpus} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, load average ${m.loadAverage}`,
    ...report.warnings.map((w) => `WARNING: ${w}`),
    `runs: ${report.settings.warmup} warm-up (excluded), ${report.settings.iterations !== null ? `${report.settings.iterations} timed` : `${report.settings.durationS} s timed`} per backend and shape, ${report.settings.concurrency} in flight; latency in ms, end to end from JavaScript (waiting for a free execution context included); inf/s = timed runs / timed wall time`,
    ...tensorrtSettingsLine(report),
    '',
  ];
  const rows = [['backend', 'shapes', 'in flight', 'min', 'mean', 'median', 'p90', 'p95', 'p99', 'max', 'IQR', 'inf/s', 'lag p99']];
  for (const r of report.runs) {
    if (!r.latency) continue;
    rows.push([rowName(r), shapeLabel(r.shapes), String(r.concurrency ?? 1), ...statCells(r.latency), r.throughput!.inferencesPerSec.toFixed(1), ms(r.eventLoopLag!.p99Ms)]);
  }
  const tableText = rows.length > 1 ? table(rows) : undefined;
  if (tableText !== undefined) lines.push(tableText);
  for (const label of new Set(report.runs.filter((r) => r.standIn && r.latency).map((r) => `${rowName(r)}: every figure of these rows is trt-node's ${r.standIn}`))) lines.push(label);
  for (const r of report.runs) {
    const line = r.latency ? executionLine(r) : undefined;
    if (line) lines.push(line);
  }
  for (const note of new Set(report.runs.filter((r) => r.concurrencyNote && r.latency).map((r) => `${r.backend}: ${r.concurrencyNote}`))) lines.push(note);
  for (const r of report.runs.filter((x) => x.engine && !x.gpu)) {
    lines.push(`${rowName(r)} ${shapeLabel(r.shapes)}: median inside the runtime ${ms(r.engine!.median)} ms; binding overhead (end-to-end − runtime) median ${ms(r.overheadMedianMs!)} ms`);
  }
  for (const r of report.runs.filter((x) => x.gpu)) {
    const g = r.gpu!;
    lines.push(
      `${rowName(r)} ${shapeLabel(r.shapes)}: median H2D ${ms(g.h2d.median)} + compute ${ms(g.compute.median)} + D2H ${ms(g.d2h.median)} ms (CUDA events); ` +
        `binding overhead per run (end-to-end − enqueueV3) median ${r.overheadMedianMs !== undefined ? `${(r.overheadMedianMs * 1000).toFixed(1)} µs` : `${ms(g.nodeOverheadMedianMs)} ms`}`,
    );
    if (r.trtexec && 'error' in r.trtexec) lines.push(`  trtexec: ${r.trtexec.error}`);
    else if (r.trtexec) {
      const t = r.trtexec;
      lines.push(`  trtexec on the same plan: latency median ${t.latency ? ms(t.latency.median) : '?'} ms, GPU compute median ${t.gpuCompute ? ms(t.gpuCompute.median) : '?'} ms → trt-node / trtexec = ${t.latency ? (r.latency!.median / t.latency.median).toFixed(2) : '?'}`);
    }
  }
  // What did not run: a backend that could not start, once; a run that failed, at its shape.
  const seen = new Set<string>();
  for (const r of report.runs) {
    if (r.available) continue;
    if (r.description !== undefined) lines.push(`${r.backend} ${shapeLabel(r.shapes)}: failed — ${r.reason ?? 'no reason given'}`);
    else if (!seen.has(r.backend)) {
      seen.add(r.backend);
      lines.push(`${r.backend}: not run — ${r.reason ?? 'unavailable'}`);
    }
  }
  for (const r of report.runs.filter((x) => x.settings && x.kind === 'onnxruntime').slice(0, 1)) {
    const s = r.settings!;
    lines.push(`onnxruntime settings: ${r.description}; intra-op threads ${s.intraOpNumThreads}, inter-op threads ${s.interOpNumThreads || 'auto'}`);
  }
  for (const q of report.ratios) lines.push(`median TensorRT / onnxruntime at ${shapeLabel(q.shapes)}: ${q.trtOverOrtMedian.toFixed(3)}`);
  const how = new Map<string, string>();
  for (const r of report.runs) if (r.measuredAs) how.set(rowName(r), r.measuredAs);
  for (const [name, text] of how) lines.push(`${name}: ${text}`);
  if (report.runs.some((r) => r.eventLoopLag)) {
    lines.push('event-loop lag: how late timers fired while the runs went on (a blocking binding shows lag close to its latency)');
  }
  return lines.flatMap((l) => (l === tableText ? [l] : hangingWrap(l, `${/^ */.exec(l)![0]}  `, style?.width))).join('\n');
}

function tensorrtSettingsLine(report: BenchReport): string[] {
  const s = report.settings;
  if (s.streams === 1 && !s.cudaGraph && s.devices === null) return [];
  const devices = s.devices === null ? 'one engine' : `an engine per device (${s.devices === 'all' ? 'every device' : `devices ${s.devices.join(', ')}`}), runs to the least busy`;
  return [`TensorRT: ${s.streams} execution context(s) per profile, each on its own stream; CUDA graphs ${s.cudaGraph ? 'on' : 'off'}; ${devices}`];
}

/** A box plot of every timed run's latency, per backend, faceted by shape set. */
export function latencyChartSpec(report: BenchReport): VegaLiteSpec {
  const values = report.runs.flatMap((r: BackendRun) =>
    (r.samplesMs ?? []).map((v) => ({ backend: r.backend, shapes: shapeLabel(r.shapes), ms: v })),
  );
  const missing = [...new Set(report.runs.filter((r) => !r.available).map((r) => `${r.backend} not run${r.reason ? `: ${r.reason}` : ''}`))];
  return {
    title: {
      text: `Latency per run (ms): ${report.model.split(/[\\/]/).pop()}`,
      subtitle: [`${report.machine.cpuModel}, Node ${report.machine.node}`, ...missing.map((m) => (m.length > 110 ? `${m.slice(0, 107)}...` : m))],
    },
    data: { values },
    facet: { row: { field: 'shapes', type: 'nominal', title: null } },
    spec: {
      width: 520,
      height: 90,
      mark: { type: 'boxplot', extent: 'min-max' },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { zero: false } },
        y: { field: 'backend', type: 'nominal', title: null },
        color: { field: 'backend', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}

export function renderLatencyChart(report: BenchReport): Promise<string> {
  return renderSvg(latencyChartSpec(report));
}
