// Prints the node_modules package folders (relative to root) reachable from the given root packages.
const fs = require('fs'), path = require('path');
const root = process.argv[2];
const roots = process.argv.slice(3);
const seen = new Set();
function resolve(fromDir, name) {
  let d = fromDir;
  for (;;) {
    const c = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(c, 'package.json'))) return fs.realpathSync(c);
    if (d === root || d === path.dirname(d)) return null;
    d = path.dirname(d);
  }
}
function visit(dir) {
  if (seen.has(dir)) return;
  seen.add(dir);
  const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const deps = { ...pj.dependencies, ...pj.optionalDependencies, ...pj.peerDependencies };
  for (const n of Object.keys(deps)) {
    const r = resolve(dir, n);
    if (r) visit(r);
  }
}
const nm = fs.realpathSync(path.join(root, 'node_modules'));
for (const r of roots) { const p = resolve(root, r); if (!p) { console.error('missing root', r); process.exit(1); } visit(p); }
for (const d of [...seen].sort()) console.log(path.relative(nm, d));
