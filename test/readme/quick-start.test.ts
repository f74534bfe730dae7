/**
 * The README's first screen, as a newcomer follows it (new-user report 2026-12-07, P1, P2, P11; issue 20 item 8):
 * two set-up commands that say how long they take, then ONE command that runs the main job on the bundled example
 * without reinstalling anything (in the clone, `npx trt-node` installs the clone into npm's cache and rebuilds it:
 * 29–54 s with no output), then how to install into your own project while trt-node is not on the npm registry,
 * with onnxruntime-node's download skipped on the install line itself (behind a firewall it fails the install).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };

/** The ```sh blocks of the README's first section (before the first `## ` heading), in order. */
function firstScreenBlocks(): string[][] {
  const head = README.slice(0, README.indexOf('\n## '));
  return [...head.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''));
}

/** A command line without its trailing `# comment`. */
const command = (line: string) => line.replace(/\s+#.*$/, '').trim();

describe("the README's first screen", () => {
  const [setup, mainJob, ownProject] = firstScreenBlocks();

  test('two set-up commands, npm install then npm test, each saying how long it takes', () => {
    expect(setup?.map(command)).toEqual(['npm install', 'npm test']);
    for (const line of setup!) expect(line).toMatch(/#.*\babout \d+(\.\d+)? (s|min)\b/);
  });

  test('ONE main-job command that runs the checkout as it is: no npx (which would install the clone and rebuild it)', () => {
    expect(mainJob).toHaveLength(1);
    const cmd = command(mainJob![0]!);
    expect(cmd).not.toMatch(/^npx\b/);
    // Either the bin itself, or an npm script that runs it.
    const script = /^npm run (?:-s )?([\w:-]+)/.exec(cmd)?.[1];
    expect(script === undefined ? cmd : PKG.scripts[script]).toMatch(/^node bin\/trt-node\.js check\b/);
    // The other commands the first screen shows in the clone avoid npx too.
    const head = README.slice(0, README.indexOf('In your own project'));
    expect(head).not.toMatch(/`npx trt-node \w/);
  });

  const built = fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'));
  if (!built) process.stderr.write('skipping the run of the README main-job command (test/readme): dist/ is not built: run `npm run build`\n');
  (built ? test : test.skip)('it runs the main job: the bundled example checked, PASS, exit 0', () => {
    const r = spawnSync(command(mainJob![0]!), { cwd: ROOT, shell: true, encoding: 'utf8', timeout: 240_000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Result: PASS/m);
  });

  test('your own project: the packed tarball (not the registry, where trt-node is not yet), installed with ONNXRUNTIME_NODE_INSTALL=skip', () => {
    const lines = ownProject!.map(command);
    expect(lines).toContain('npm pack');
    const install = lines.find((l) => /\bnpm install\b/.test(l));
    expect(install).toMatch(new RegExp(`^ONNXRUNTIME_NODE_INSTALL=skip npm install \\S*${PKG.name}-${PKG.version.replace(/\./g, '\\.')}\\.tgz$`));
    expect(lines[lines.length - 1]).toBe('npx trt-node check');
    // Nowhere does the README tell users to install from the registry.
    expect(README.replace(/\s+/g, ' ')).not.toMatch(/npm install trt-node\b/);
    expect(README).toMatch(/not (yet )?(published )?on the npm registry|not on the npm registry yet/);
  });
});
