/**
 * The README's TypeScript snippets compile, as a user copies them, under the flags the README recommends (`strict`,
 * `noUncheckedIndexedAccess`, `exactOptionalPropertyTypes`), against the built package's types (dist/, resolved as
 * `trt-node` through its package.json "exports", as an installed package is). New-user report 2026-12-07, P15: the
 * Engine snippet did not (`out.output` is possibly undefined). Modules a snippet imports from './…' are the user's
 * own code, stubbed here with the signature the snippet relies on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Every ```ts block of the README, with the line it starts on. */
function snippets(): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(README); m; m = re.exec(README)) out.push({ line: README.slice(0, m.index).split('\n').length, code: m[1]! });
  return out;
}

/** The user's own modules the snippets import, with what the snippets need of them. */
const USER_MODULES: Record<string, string> = {
  'triton-runner': `import type { Runner } from 'trt-node';\nexport declare function createTritonRunner(model: string | null, options?: Readonly<Record<string, unknown>>): Promise<Runner>;\n`,
};

const built = fs.existsSync(path.join(ROOT, 'dist', 'index.d.mts'));
if (!built) process.stderr.write('skipping the README snippet compile (test/readme): dist/ is not built: run `npm run build` (`npm test` builds it first)\n');

(built ? describe : describe.skip)("the README's TypeScript snippets", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-node-readme-'));
    // The package as a user's project sees it: node_modules/trt-node (its package.json, its dist/ types).
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'trt-node'), 'dir');
    for (const dep of ['onnxruntime-node', 'onnxruntime-common']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-user', private: true, type: 'module' }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('there are snippets to compile: crossCheck, a runner of your own, building and running an engine', () => {
    const all = snippets().map((s) => s.code).join('\n');
    for (const api of ['crossCheck(', 'registerRunner(', 'buildEngine(', 'Engine.load(', 'engine.bind(']) expect(all).toContain(api);
  });

  test('each compiles under strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes', () => {
    const files = snippets().map((s, i) => {
      const file = `snippet-${i + 1}-line-${s.line}.mts`;
      fs.writeFileSync(path.join(dir, file), s.code);
      return file;
    });
    for (const [name, code] of Object.entries(USER_MODULES)) fs.writeFileSync(path.join(dir, `${name}.mts`), code); // imported as './<name>.mjs'
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true, // the package's own .d.ts under these flags: test/package/consumer.test.ts
        noEmit: true,
        allowImportingTsExtensions: false,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files,
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    // Errors name the snippet file, hence the README line its block starts on.
    expect({ status: tsc.status, errors: tsc.stdout.trim().split('\n').filter(Boolean) }).toEqual({ status: 0, errors: [] });
  }, 300_000);
});
