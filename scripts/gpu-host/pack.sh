#!/usr/bin/env bash
# Packs what a GPU host without Node lacks (node, the node_modules the suites load, dist/, the --cuda real stand-in
# builds) into .gpu/ (git-ignored), for scripts/gpu-host/run.sh there.
# Run in the repo root after: npm run build && node scripts/test-standin.js --cuda real --build-only
# node.xz and nm.tar.xz are reused when present (delete them to repack); build.tar.xz is always remade.
set -euo pipefail
cd "$(dirname "$0")/../.."
G=.gpu; mkdir -p $G
[ -d dist ] || { echo "dist/ missing: npm run build" >&2; exit 1; }
ls -d build/standin/*-real/addon/Release/trt_node.node >/dev/null || { echo "no --cuda real builds" >&2; exit 1; }
[ -s $G/node.xz ] || xz -9 -T0 -c "$(command -v node)" > $G/node.xz
if [ ! -s $G/nm.tar.xz ]; then
  # Runtime closure of what jest, ts-jest, tsx and the suites load (dependencies + optional + peer), top-level folders.
  node scripts/gpu-host/closure.js "$PWD" jest ts-jest typescript tsx onnxruntime-node commander cli-progress fflate pngjs protobufjs vega vega-lite \
    | grep -v /node_modules/ | sed 's|^|node_modules/|' > $G/nm-list.txt
  tar -cf - --exclude='onnxruntime-node/bin/napi-v6/darwin' --exclude='onnxruntime-node/bin/napi-v6/win32' \
    --exclude='onnxruntime-node/bin/napi-v6/linux/arm64' --exclude='*.map' --exclude='*.md' --exclude='*.markdown' \
    $(cat $G/nm-list.txt) | xz -9 -T0 > $G/nm.tar.xz
fi
tar -cf - dist build/standin/*-real/addon/Release/trt_node.node build/standin/*-real/standin/lib build/standin/*-real/standin/probes \
  | xz -9 -T0 > $G/build.tar.xz
pwd > $G/built-at  # the builds' RUNPATHs point here: run.sh gives this path to its copy
ls -la $G; du -ch $G/*.xz | tail -1
