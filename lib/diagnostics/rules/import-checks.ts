/**
 * onnx-tensorrt's per-node import checks (../data/onnx-tensorrt-import-checks.ts), evaluated on the model summary:
 * which checks a node fails, each with what in the node fails it. The TensorRT stand-in's parser evaluates the same
 * table (test/tensorrt-standin/src/import_checks.cc); where the summary does not say (a rank or type the model does
 * not declare, a value too large to be decoded), a check passes, as it does there.
 */
import type { AttributeValue, Dim, NodeSummary } from '../../onnx/types';
import { IMPORT_CHECKS, type ImportCheck } from '../data/onnx-tensorrt-import-checks';
import { constantValues, isConstant, type GraphIndex } from '../graph';

export interface FailedImportCheck {
  check: ImportCheck;
  /** What in the node fails it, e.g. "layout=1" or "input 1 ('axes') is a graph input". */
  detail: string;
}

const BY_OP = new Map<string, ImportCheck[]>();
for (const c of IMPORT_CHECKS) BY_OP.set(c.op, [...(BY_OP.get(c.op) ?? []), c]);

function scalar(a: AttributeValue | undefined): string | number | undefined {
  return a && (a.type === 'int' || a.type === 'float' || a.type === 'string') ? a.value : undefined;
}

function shown(v: string | number): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** The declared element type and dims of a value: graph input, initializer, value_info or graph output. */
function declared(g: GraphIndex, name: string): { elemType?: string; dims?: Dim[] | null } {
  const init = g.model.initializers.list.find((t) => t.name === name);
  if (init) return { elemType: init.elemType, dims: init.dims.map((value): Dim => ({ kind: 'fixed', value })) };
  const value = [...g.model.inputs, ...g.model.valueInfo, ...g.model.outputs].find((v) => v.name === name);
  return value ? { elemType: value.elemType === 'undefined' ? undefined : value.elemType, dims: value.dims } : {};
}

function isGraphInput(g: GraphIndex, name: string): boolean {
  return !g.initializerNames.has(name) && g.model.inputs.some((i) => i.name === name);
}

/** The given inputs of `indices` (present and non-empty), with their index. */
function given(node: NodeSummary, indices: readonly number[]): { index: number; name: string }[] {
  return indices.flatMap((index) => (node.inputs[index] ? [{ index, name: node.inputs[index] }] : []));
}

function failure(check: ImportCheck, node: NodeSummary, g: GraphIndex): string | undefined {
  const input = (i: { index: number; name: string }) => `input ${i.index} ('${i.name}')`;
  switch (check.kind) {
    case 'attribute-in': {
      if (check.when) {
        const other = scalar(node.attributes[check.when.attribute]) ?? check.when.default;
        if (other !== check.when.equals) return undefined;
      }
      const v = scalar(node.attributes[check.attribute]) ?? check.default;
      return v === undefined || check.values.includes(v) ? undefined : `${check.attribute}=${shown(v)}`;
    }
    case 'attribute-absent': {
      const present = check.attributes.filter((a) => node.attributes[a]);
      return present.length ? `attribute${present.length > 1 ? 's' : ''} ${present.join(', ')}` : undefined;
    }
    case 'ints-all': {
      const a = node.attributes[check.attribute];
      return a && a.type === 'ints' && a.value.some((x) => x !== check.value) ? `${check.attribute} [${a.value.join(', ')}]` : undefined;
    }
    case 'attribute-chars': {
      const v = scalar(node.attributes[check.attribute]);
      const bad = typeof v === 'string' ? [...new Set([...v].filter((c) => !check.allowed.includes(c)))] : [];
      return bad.length ? `${check.attribute} '${v}' (characters ${bad.join(',')})` : undefined;
    }
    case 'max-outputs': {
      const n = node.outputs.filter(Boolean).length;
      return n > check.count ? `${n} outputs` : undefined;
    }
    case 'inputs-absent': {
      const present = given(node, check.indices);
      return present.length ? present.map(input).join(', ') : undefined;
    }
    case 'outputs-absent': {
      const present = check.indices.filter((i) => node.outputs[i]);
      return present.length ? present.map((i) => `output ${i} ('${node.outputs[i]}')`).join(', ') : undefined;
    }
    case 'input-initializer': {
      const bad = given(node, check.indices).find((i) => !isConstant(g, i.name));
      return bad ? `${input(bad)} is ${isGraphInput(g, bad.name) ? 'a graph input' : 'computed by the graph'}, not an initializer` : undefined;
    }
    case 'input-not-graph-input': {
      const bad = given(node, check.indices).find((i) => isGraphInput(g, i.name));
      return bad ? `${input(bad)} is a graph input, fed at run time` : undefined;
    }
    case 'input-false':
    case 'input-zero': {
      const bad = given(node, check.indices).find((i) => constantValues(g, i.name)?.some((x) => x !== 0));
      return bad ? `${input(bad)} is ${check.kind === 'input-false' ? 'true' : 'not zero'}` : undefined;
    }
    case 'input-below': {
      const bad = given(node, check.indices).find((i) => constantValues(g, i.name)?.some((x) => x >= check.limit));
      return bad ? `${input(bad)} is ${constantValues(g, bad.name)!.join(', ')}` : undefined;
    }
    case 'input-rank-in': {
      for (const i of given(node, check.indices)) {
        const dims = declared(g, i.name).dims;
        if (dims && !check.ranks.includes(dims.length)) return `${input(i)} has rank ${dims.length}`;
      }
      return undefined;
    }
    case 'input-type-in': {
      for (const i of given(node, check.indices)) {
        const type = declared(g, i.name).elemType;
        if (type && !check.types.includes(type)) return `${input(i)} is ${type}`;
      }
      return undefined;
    }
    case 'input-static': {
      const bad = given(node, check.indices).find((i) => isGraphInput(g, i.name) && (declared(g, i.name).dims ?? [{ kind: 'unknown' }]).some((d) => d.kind !== 'fixed'));
      return bad ? `${input(bad)} has dynamic dimensions` : undefined;
    }
    case 'bidirectional-activations': {
      const direction = scalar(node.attributes.direction);
      const acts = node.attributes.activations;
      if (direction !== 'bidirectional' || !acts || acts.type !== 'strings' || acts.value.length < 2 * check.count) return undefined;
      const forward = acts.value.slice(0, check.count);
      const reverse = acts.value.slice(check.count, 2 * check.count);
      return forward.some((a, k) => a !== reverse[k]) ? `activations [${forward.join(', ')}] forward, [${reverse.join(', ')}] reverse` : undefined;
    }
    case 'branch-outputs':
      // The summary keeps a subgraph's op counts only, not its outputs: the stand-in's parser checks this one.
      return undefined;
  }
}

/**
 * The import checks `node` fails, in the parser's order: the static checks (all of them), then the first importer
 * condition (the parser stops there). Checks reported by another rule (`reportedBy`) are left out.
 */
export function failedImportChecks(node: NodeSummary, g: GraphIndex): FailedImportCheck[] {
  if (node.domain !== '') return [];
  const out: FailedImportCheck[] = [];
  for (const check of BY_OP.get(node.opType) ?? []) {
    if (check.reportedBy) continue;
    if ((check.opsets?.min !== undefined && g.opset < check.opsets.min) || (check.opsets?.max !== undefined && g.opset > check.opsets.max)) continue;
    // The importer runs only on a node that passed its static checks, and stops at its first failed condition.
    if (check.stage === 'importer' && out.length) break;
    const detail = failure(check, node, g);
    if (detail) out.push({ check, detail });
  }
  return out;
}
