/**
 * `trt-node inspect [model] [--json [file]] [--nodes]`: what an ONNX model takes, gives and contains, read without
 * loading its weights. With no model, the bundled super-resolution example (so a newcomer sees it work at once).
 *
 * --json prints the reader's ModelSummary (lib/onnx/types.ts) as one document, plus `nodeCount`. The per-node list
 * (`nodes`, with every attribute) is left out unless --nodes is given: it grows with the model while the rest stays
 * a screenful, and op counts (`nodeCounts`) answer most questions.
 */
import { readModel } from '../../onnx/reader';
import type { ModelSummary } from '../../onnx/types';
import { domainLabel, formatBytes, formatDims, formatTable, opLabel } from '../../onnx/format';
import { forTerminal } from '../../util/terminal';
import { displayPath, plural } from '../../util/text';
import { DEFAULT_MODEL } from '../defaults';
import type { InspectCliOptions } from '../commands/inspect';
import { modelFrom } from '../options';
import { emitJson, type CliContext } from '../output';
import { EXIT_OK } from '../exit-codes';

export interface InspectOptions {
  /** Include the node list (JSON) or a node table (text). Default false. */
  nodes?: boolean;
}

export type InspectDocument = Omit<ModelSummary, 'nodes'> & { nodeCount: number; nodes?: ModelSummary['nodes'] };

/** The `--json` document: the summary, with `nodeCount`, and `nodes` only when asked for. */
export function inspectDocument(summary: ModelSummary, options: InspectOptions = {}): InspectDocument {
  const { nodes, ...rest } = summary;
  return { ...rest, nodeCount: nodes.length, ...(options.nodes ? { nodes } : {}) };
}


/** The readable report. */
export function formatInspect(summary: ModelSummary, options: InspectOptions = {}): string {
  const out: string[] = [];
  const producer = [summary.producerName, summary.producerVersion].filter(Boolean).join(' ') || '(not recorded)';
  const opsets = summary.opsets.map((o) => `${domainLabel(o.domain)} ${o.version}`).join(', ') || '(none)';
  out.push(
    formatTable(
      [
        ['Model', `${summary.file ? displayPath(summary.file) : '(bytes)'} (${formatBytes(summary.fileBytes)})`],
        ['IR version', String(summary.irVersion)],
        ['Producer', producer],
        ['Opsets', opsets],
        ['Graph', `${summary.graphName || '(unnamed)'}, ${plural(summary.nodes.length, 'node')}`],
      ],
      '',
    ),
  );

  const valueRows = (values: { name: string; elemType: string; dims: ModelSummary['outputs'][number]['dims'] }[]) =>
    values.map((v) => [v.name, v.elemType, formatDims(v.dims)]);
  const backed = summary.inputs.filter((i) => i.isInitializer).length;
  out.push('', `Inputs${backed ? ` (${backed} backed by initializers, marked *)` : ''}`);
  out.push(
    summary.inputs.length
      ? formatTable([
          ['name', 'dtype', 'shape'],
          ...summary.inputs.map((i) => [i.isInitializer ? `${i.name} *` : i.name, i.elemType, formatDims(i.dims)]),
        ])
      : '  (none)',
  );
  out.push('', 'Outputs');
  out.push(summary.outputs.length ? formatTable([['name', 'dtype', 'shape'], ...valueRows(summary.outputs)]) : '  (none)');

  out.push('', `Operators (${plural(summary.nodes.length, 'node')})`);
  const counts = [...summary.nodeCounts].sort((a, b) => b.count - a.count);
  out.push(counts.length ? formatTable(counts.map((c) => [opLabel(c.domain, c.opType), String(c.count)])) : '  (none)');

  const init = summary.initializers;
  const dtypes = Object.entries(init.dtypes)
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ');
  out.push('');
  out.push(
    formatTable(
      [
        ['Initializers', init.count ? `${plural(init.count, 'tensor')}, ${formatBytes(init.totalBytes)} (${dtypes})` : 'none'],
        ['External data', externalLine(summary)],
      ],
      '',
    ),
  );

  if (options.nodes) {
    out.push('', 'Nodes');
    out.push(
      formatTable([
        ['#', 'op', 'name', 'inputs -> outputs'],
        ...summary.nodes.map((n) => [
          String(n.index),
          opLabel(n.domain, n.opType),
          n.name || '-',
          `${n.inputs.join(', ') || '()'} -> ${n.outputs.join(', ')}`,
        ]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

function externalLine(summary: ModelSummary): string {
  if (summary.externalData.length === 0) return 'none';
  const byFile = new Map<string, { tensors: number; bytes: number; missing: boolean }>();
  const sizes = new Map(summary.initializers.list.map((t) => [t.name, t.byteLength]));
  for (const ref of summary.externalData) {
    const entry = byFile.get(ref.location) ?? { tensors: 0, bytes: 0, missing: false };
    entry.tensors++;
    entry.bytes += ref.length ?? sizes.get(ref.tensor) ?? 0;
    entry.missing ||= ref.missing === true;
    byFile.set(ref.location, entry);
  }
  return [...byFile]
    .map(([location, e]) => `${forTerminal(location)}: ${plural(e.tensors, 'tensor')}, ${formatBytes(e.bytes)}${e.missing ? ', MISSING' : ''}`)
    .join('; ');
}

/** The external-data files a summary read with allowMissingExternalData found missing, each once. */
function missingFiles(summary: ModelSummary): string[] {
  return [...new Set(summary.externalData.filter((r) => r.missing).map((r) => r.path))];
}

/**
 * The action of `trt-node inspect`. A model whose external data is missing is still shown (the graph needs none of
 * it), with a warning on stderr naming the files and how to point at them.
 */
export async function runInspect(ctx: CliContext, model: string | undefined, cli: InspectCliOptions): Promise<number> {
  const file = modelFrom(model, cli, DEFAULT_MODEL);
  const summary = await readModel(file, { allowMissingExternalData: true, ...(cli.externalDataDir !== undefined ? { baseDir: cli.externalDataDir } : {}) });
  const missing = missingFiles(summary);
  if (missing.length) {
    ctx.err(
      `trt-node inspect: warning: the model's external data is missing (${missing.map((f) => forTerminal(displayPath(f))).join(', ')}): ` +
        'the graph is shown, but check and build need the weights. Copy the files next to the model, or give their folder with --external-data-dir <dir>\n',
    );
  }
  if (!(await emitJson(ctx, cli.json, inspectDocument(summary, cli), [{ file, option: 'the model' }]))) ctx.out(formatInspect(summary, cli));
  return EXIT_OK;
}
