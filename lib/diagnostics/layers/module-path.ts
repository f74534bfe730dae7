/**
 * The PyTorch module an ONNX node came from, in the terms of `model.named_modules()`:
 *
 * - the dynamo exporter (torch.onnx.export(..., dynamo=True), PyTorch 2.5+) writes node metadata_props:
 *   `pkg.torch.onnx.name_scopes` = "['', 'encoder', 'encoder.layer.0', ..., 'softmax']" (the module path of each
 *   enclosing module, the root as '', then the FX node's own name) and `pkg.torch.onnx.class_hierarchy` = "[
 *   '__main__.Net', 'torch.nn.modules.conv.Conv2d', 'aten.conv2d.default']" (their classes, then the op);
 * - the classic TorchScript exporter names nodes after the scopes they were traced in: `/encoder/layer.0/attention/
 *   Softmax` (a node of module `encoder.layer.0.attention`; `/Resize` is one of the model's own forward()).
 *
 * Nodes without either (a hand-made graph, names the exporter did not scope) have no module.
 */
import type { NodeSummary } from '../../onnx/types';

export interface ModuleOrigin {
  /** The module's path as named_modules() gives it; '' for the model itself (its own forward()). */
  module: string;
  /** The module's class, when the exporter recorded it ('torch.nn.modules.conv.Conv2d'). */
  moduleClass?: string;
  /** Where it was read: the dynamo exporter's metadata, or the classic exporter's node name. */
  from: 'dynamo metadata' | 'scope name';
}

/** Python's repr of a list of strings, as the dynamo exporter writes it: "['', 'conv_in', 'conv2d']". */
function pythonStringList(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  const items: string[] = [];
  const re = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(?:,|$)/gy;
  const body = t.slice(1, -1);
  re.lastIndex = 0;
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (!m) return undefined;
    items.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  }
  return items;
}

function fromDynamo(metadata: Readonly<Record<string, string>>): ModuleOrigin | undefined {
  const scopes = metadata['pkg.torch.onnx.name_scopes'] !== undefined ? pythonStringList(metadata['pkg.torch.onnx.name_scopes']) : undefined;
  if (!scopes || scopes.length === 0) return undefined;
  const classes = metadata['pkg.torch.onnx.class_hierarchy'] !== undefined ? pythonStringList(metadata['pkg.torch.onnx.class_hierarchy']) : undefined;
  // The last scope is the FX node itself; the one before it is the innermost module. Its path is the full one when
  // the exporter recorded full paths (each scope extends the one before), else the scopes joined.
  const modules = scopes.slice(0, -1);
  const inner = modules.length ? modules[modules.length - 1] : '';
  const nested = modules.filter(Boolean).every((m, i, all) => i === 0 || m.startsWith(`${all[i - 1]}.`));
  const module = nested ? inner : modules.filter(Boolean).join('.');
  const moduleClass = classes && classes.length === scopes.length ? classes[classes.length - 2] : undefined;
  return { module, ...(moduleClass ? { moduleClass } : {}), from: 'dynamo metadata' };
}

function fromScopeName(name: string): ModuleOrigin | undefined {
  // '/encoder/layer.0/attention/Softmax': scopes, then the op's own name.
  if (!name.startsWith('/')) return undefined;
  const parts = name.split('/').slice(1);
  if (parts.length < 1 || parts.some((p) => p === '')) return undefined;
  return { module: parts.slice(0, -1).join('.'), from: 'scope name' };
}

export function moduleOf(node: Pick<NodeSummary, 'name' | 'metadata'>): ModuleOrigin | undefined {
  return (node.metadata ? fromDynamo(node.metadata) : undefined) ?? fromScopeName(node.name);
}

/** "module `encoder.layer.0.attention` (torch.nn.…)", or "the model's own forward()" for the root. */
export function describeModule(origin: ModuleOrigin): string {
  const cls = origin.moduleClass ? ` (${origin.moduleClass})` : '';
  return origin.module === '' ? `the model's own forward()${cls}` : `module \`${origin.module}\`${cls}`;
}
