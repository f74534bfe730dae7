#!/usr/bin/env node
'use strict';
/**
 * Writes the stand-in's generated sources into an output folder (run by test/tensorrt-standin/CMakeLists.txt):
 *
 *   standin_stubs.h     one class per TensorRT implementation interface the stand-in implements (apiv::VBuilder,
 *                       apiv::VCudaEngine, ... from NvInferImpl.h; nvonnxparser::IParser from NvOnnxParser.h), with
 *                       every pure virtual method overridden by a call that aborts naming the method. The stand-in's
 *                       classes derive from these and override what trt-node uses, so a TensorRT call the stand-in
 *                       does not implement stops the process with its name instead of compiling differently per
 *                       header version. Generated from the headers themselves: 10.x and 11.x differ in these lists.
 *   supported_ops.inc   the ONNX operators TensorRT's parser supports, read from trt-node's own transcription of
 *                       onnx-tensorrt's operator matrix (lib/diagnostics/data/onnx-tensorrt-operators.ts), so the stand-in
 *                       parser accepts exactly what `trt-node check` says TensorRT accepts.
 *   import_checks.inc   onnx-tensorrt's per-node import checks and its IO type rules, from the table trt-node's
 *                       UNSUPPORTED_OP rule evaluates (lib/diagnostics/data/onnx-tensorrt-import-checks.ts): the
 *                       stand-in parser refuses the nodes `trt-node check` flags, with onnx-tensorrt's messages.
 *
 * The two data files are TypeScript without imports: they are transpiled (the repository's typescript package) and
 * evaluated here, so the stand-in reads the very values trt-node's rules read.
 *
 *   node generate.js <TensorRT include dir> <repository root> <output dir>
 */
const fs = require('node:fs');
const path = require('node:path');

const IMPL_CLASSES = [
  'VBuilder',
  'VBuilderConfig',
  'VNetworkDefinition',
  'VOptimizationProfile',
  'VHostMemory',
  'VTimingCache',
  'VRuntime',
  'VCudaEngine',
  'VExecutionContext',
  'VLayer',
  'VTensor',
];
const PARSER_CLASSES = ['IParser', 'IParserError'];

function classBody(source, name, file) {
  const start = source.search(new RegExp(`\\nclass ${name}\\b[^;{]*\\{`));
  if (start < 0) throw new Error(`class ${name} not found in ${file}`);
  const open = source.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error(`class ${name} in ${file} is not closed`);
}

/** Every pure virtual declaration of a class body, whitespace-normalised, comments dropped. */
function pureVirtuals(body) {
  const text = body
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ');
  const out = [];
  const re = /virtual\s+([^;{}]*?)=\s*0\s*;/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const decl = m[1].replace(/\bTRT_DEPRECATED\b\s*/g, '').trim();
    const name = decl.slice(0, decl.indexOf('(')).trim().split(/[\s*&]+/).pop();
    out.push({ decl, name });
  }
  return out;
}

function stubClass(name, base, methods) {
  const lines = [`class Stub${name} : public ${base} {`, ' public:'];
  for (const m of methods) {
    lines.push(`  ${m.decl} override { ::trt_standin::notImplemented("${name}::${m.name}"); }`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

/** The exports of one of lib/diagnostics/data's TypeScript files (no imports), transpiled and evaluated. */
function loadData(root, name) {
  const file = path.join(root, 'lib', 'diagnostics', 'data', name);
  const ts = require(require.resolve('typescript', { paths: [root] }));
  const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
    fileName: file,
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputText)(module, module.exports, () => {
    throw new Error(`${file} must not import anything (the stand-in generator evaluates it alone)`);
  });
  return module.exports;
}

function supportedOps(root) {
  const { OPERATOR_SUPPORT } = loadData(root, 'onnx-tensorrt-operators.ts');
  const ops = Object.entries(OPERATOR_SUPPORT).filter(([, s]) => s.supported).map(([op]) => op);
  if (ops.length < 50) throw new Error(`only ${ops.length} supported operators read`);
  return ops;
}

const cString = (s) => JSON.stringify(String(s));
const cStrings = (list) => `{${list.map(cString).join(', ')}}`;

/** import_checks.inc: an initializer list of trt_standin::ImportCheck (src/import_checks.h), then the IO rules. */
function importChecks(root) {
  const { IMPORT_CHECKS, IO_TYPES } = loadData(root, 'onnx-tensorrt-import-checks.ts');
  if (!Array.isArray(IMPORT_CHECKS) || IMPORT_CHECKS.length < 20) throw new Error('IMPORT_CHECKS not read');
  const rows = IMPORT_CHECKS.map((c) => {
    const values = [...(c.values ?? []), ...(c.attributes ?? [])];
    const fields = [
      cString(c.op),
      cString(c.kind),
      c.stage === 'checker' ? 'true' : 'false',
      c.opsets?.min ?? 0,
      c.opsets?.max ?? 0,
      cString(c.attribute ?? ''),
      cStrings(values),
      c.default === undefined ? 'false' : 'true',
      cString(c.default ?? ''),
      cString(c.when?.attribute ?? ''),
      cString(c.when?.equals ?? ''),
      cString(c.when?.default ?? ''),
      `{${(c.indices ?? []).join(', ')}}`,
      cStrings(c.ranks ?? []),
      cStrings(c.types ?? []),
      c.count ?? c.limit ?? c.value ?? 0,
      cString(c.allowed ?? ''),
      `nvonnxparser::ErrorCode::${c.code}`,
      cString(c.message),
      cString(c.source),
    ];
    return `{${fields.join(', ')}},`;
  });
  return {
    checks: rows.join('\n'),
    io: [
      `#define STANDIN_IO_CONVERTIBLE ${cStrings(IO_TYPES.convertible)}`,
      `#define STANDIN_IO_UNCONVERTIBLE ${cString(IO_TYPES.unconvertible)}`,
      `#define STANDIN_IO_UINT8_INTERMEDIATE ${cString(IO_TYPES.uint8Intermediate)}`,
      `#define STANDIN_IO_INT8_WITHOUT_QDQ ${cString(IO_TYPES.int8WithoutQdq)}`,
    ].join('\n'),
  };
}

function main([includeDir, root, outDir]) {
  if (!includeDir || !root || !outDir) {
    process.stderr.write('usage: node generate.js <TensorRT include dir> <repository root> <output dir>\n');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const impl = fs.readFileSync(path.join(includeDir, 'NvInferImpl.h'), 'utf8');
  const parser = fs.readFileSync(path.join(includeDir, 'NvOnnxParser.h'), 'utf8');
  const parts = [
    '// Generated by test/tensorrt-standin/tools/generate.js from the TensorRT headers. Do not edit.',
    '#pragma once',
    '#include <NvInfer.h>',
    '#include <NvOnnxParser.h>',
    '#include "contract.h"',
    '',
    'namespace nvinfer1 {',
    'namespace apiv {',
    'namespace standin {',
    '',
  ];
  for (const name of IMPL_CLASSES) parts.push(stubClass(name, `apiv::${name}`, pureVirtuals(classBody(impl, name, 'NvInferImpl.h'))));
  parts.push('}  // namespace standin', '}  // namespace apiv', '}  // namespace nvinfer1', '', 'namespace nvonnxparser {', 'namespace standin {', '');
  for (const name of PARSER_CLASSES) parts.push(stubClass(name, `nvonnxparser::${name}`, pureVirtuals(classBody(parser, name, 'NvOnnxParser.h'))));
  parts.push('}  // namespace standin', '}  // namespace nvonnxparser', '');
  fs.writeFileSync(path.join(outDir, 'standin_stubs.h'), parts.join('\n'));

  const ops = supportedOps(root);
  fs.writeFileSync(
    path.join(outDir, 'supported_ops.inc'),
    `// Generated from lib/diagnostics/data/onnx-tensorrt-operators.ts by test/tensorrt-standin/tools/generate.js.\n${ops
      .map((o) => `"${o}",`)
      .join('\n')}\n`,
  );
  const checks = importChecks(root);
  fs.writeFileSync(
    path.join(outDir, 'import_checks.inc'),
    '// Generated from lib/diagnostics/data/onnx-tensorrt-import-checks.ts by test/tensorrt-standin/tools/generate.js.\n' +
      `#ifdef STANDIN_IMPORT_CHECKS\n${checks.checks}\n#else\n${checks.io}\n#endif\n`,
  );
  process.stdout.write(
    `stand-in: ${IMPL_CLASSES.length + PARSER_CLASSES.length} interfaces stubbed, ${ops.length} parser operators, ` +
      `${checks.checks.split('\n').length} import checks\n`,
  );
}

main(process.argv.slice(2));
