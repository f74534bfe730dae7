/**
 * The layering of lib/ (declared in ./layers.ts), read from the sources with TypeScript's own import scanner: every
 * import between two lib/ folders must go down the declared order. Since the order is total, no cycle between
 * folders can pass either; the cycles are listed anyway, to say what to untangle.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { LAYERS } from './layers';

const LIB = path.resolve(__dirname, '../../lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative module specifiers of a file: imports, re-exports, `import type`, `require()` and `import()` types. */
export function specifiers(text: string): string[] {
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return [...new Set(found)].filter((s) => s.startsWith('.'));
}

/** The lib/ folder a path lies in ('' for lib/index.ts itself). */
function folderOf(file: string): string {
  const rel = path.relative(LIB, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : '';
}

function resolveImport(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`${path.relative(LIB, from)}: cannot resolve '${spec}'`);
}

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sources(LIB)) {
    for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec);
      if (!target.startsWith(LIB + path.sep)) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) edges.push({ from, to, file: path.relative(LIB, file), spec });
    }
  }
  return edges;
}

/** Strongly connected groups of folders (Tarjan), those of two or more folders only. */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('layers of lib/', () => {
  const rank = new Map(LAYERS.map((l, i) => [l.folder, i]));
  rank.set('', LAYERS.length); // lib/index.ts: the public API, above everything

  it('every folder of lib/ has its place in the declared order', () => {
    const folders = fs.readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('no import climbs the order, and no cycle joins folders', () => {
    const edges = folderEdges();
    expect(edges.length).toBeGreaterThan(50); // the scanner sees imports (a broken scanner would pass anything)
    const climbs = edges.filter((e) => rank.get(e.to)! >= rank.get(e.from)!).map((e) => `${e.file} imports '${e.spec}' (${e.to || 'index'} is not below ${e.from})`);
    expect(climbs).toEqual([]);
    expect(cycles(edges)).toEqual([]);
  });

  it('the scanner sees every kind of import a file can make', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "const d = require('../d') as typeof import('../e');",
      "void import('./f');",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(['../b', '../d', '../e', './a', './c', './f']);
  });
});
