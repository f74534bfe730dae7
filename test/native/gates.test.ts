/**
 * The TensorRT suites' gates keep their promise: a suite gated by describeWithGpu also runs on real TensorRT, so it
 * must not expect a log line that only trt-node's TensorRT stand-in writes (its own commentary, "[stand-in] ...": what
 * it was told, what it chose). Such an assertion passes on the stand-in by a sentence the stand-in made up, and fails
 * on TensorRT; it belongs in a describeWithStandIn suite. (Its recorded and parser errors are left out: they stand for
 * TensorRT's own, often in TensorRT's words.) Checked statically, on every test file, so it holds without TensorRT.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const MIN_LENGTH = 12; // shorter pieces ("input", "failed") are common to any message

/** Every string literal passed to the stand-in's log(), unescaped. */
function standInMessages(): string[] {
  const dir = path.join(root, 'test', 'tensorrt-standin', 'src');
  const messages: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cc'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const calls = /\blog\((?:[^;]|;(?!\s*$))*?\);/gm;
    for (const call of text.match(calls) ?? []) {
      for (const m of call.matchAll(/"((?:[^"\\]|\\.)*)"/g)) messages.push(m[1].replace(/\\(.)/g, '$1'));
    }
  }
  return messages.filter((m) => m.length >= MIN_LENGTH);
}

/** The literal runs of a regular expression's source (what it requires to appear verbatim). */
function literalRuns(pattern: string): string[] {
  const runs: string[] = [];
  let run = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length && !/[dDsSwWbBnrt0-9]/.test(pattern[i + 1])) {
      run += pattern[++i];
    } else if ('.*+?()[]{}|^$\\'.includes(c)) {
      runs.push(run);
      run = '';
    } else {
      run += c;
    }
  }
  runs.push(run);
  return runs;
}

/** The text pieces a describeWithGpu body expects to find: its string literals and its regexes' literal runs. */
function gpuGatedExpectations(file: string): { text: string; line: number }[] {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes('describeWithGpu(')) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const collect = (node: ts.Node): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push({ text: node.text, line });
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) found.push({ text: node.text, line });
    else if (ts.isRegularExpressionLiteral(node)) {
      const pattern = node.text.slice(1, node.text.lastIndexOf('/'));
      for (const run of literalRuns(pattern)) found.push({ text: run, line });
    }
    ts.forEachChild(node, collect);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'describeWithGpu') {
      node.arguments.slice(1).forEach(collect);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((f) => f.text.length >= MIN_LENGTH);
}

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'tensorrt-standin' ? [] : testFiles(full);
    return e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('TensorRT suite gates', () => {
  it('finds the stand-in\'s messages to check against', () => {
    expect(standInMessages()).toContain('BuilderFlag::kTF32 is cleared: float32 layers are built without TF32');
    expect(literalRuns('IRuntime::deserializeCudaEngine failed \\(x\\)')).toEqual(['IRuntime::deserializeCudaEngine failed (x)']);
  });

  it('suites that also run on TensorRT (describeWithGpu) expect no text only the stand-in writes', () => {
    const messages = standInMessages();
    const offending: string[] = [];
    for (const file of testFiles(path.join(root, 'test'))) {
      for (const { text, line } of gpuGatedExpectations(file)) {
        const message = messages.find((m) => m.includes(text));
        if (message) offending.push(`${path.relative(root, file)}:${line}: "${text}" is the stand-in's ("${message}")`);
      }
    }
    expect(offending).toEqual([]);
  });
});
