#!/usr/bin/env bash
# On the GPU machine, in the repo root copy: unpack .gpu/, run the TensorRT suites on the TensorRT STAND-IN
# (not TensorRT) linked to the real CUDA runtime, with nvidia-smi evidence. Results go to $OUT (6 files).
# Usage: "bash scripts/gpu-host/run.sh [--seeds 1] [other test-standin.js args]", with .gpu/ beside it (scripts/gpu-host/README.md).
# TEST_LIMIT_S (default 520) stops the suites early enough for the results to be copied within the call's limit.
set -uo pipefail
ROOT=$(pwd); OUT=${OUT:-$ROOT/.gpu-out}; mkdir -p "$OUT"
ARGS=("$@"); [ ${#ARGS[@]} -eq 0 ] && ARGS=(--seeds 1)
t0=$(date +%s)
unxz() { if command -v xz >/dev/null; then xz -dc "$1"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi; }
mkdir -p /tmp/nodebin && unxz .gpu/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node || exit 1
export PATH=/tmp/nodebin:$PATH
unxz .gpu/nm.tar.xz | tar -xf - && unxz .gpu/build.tar.xz | tar -xf - || exit 1
# The builds carry RUNPATHs into the folder they were built in (.gpu/built-at): give that path to this copy when free,
# and put the stand-in's library folders on LD_LIBRARY_PATH either way (their sonames differ per major).
BUILT=$(cat .gpu/built-at); [ "$ROOT" = "$BUILT" ] || [ -e "$BUILT" ] || { mkdir -p "$(dirname "$BUILT")" && ln -s "$ROOT" "$BUILT"; }
for d in "$ROOT"/build/standin/*-real/standin/lib; do LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; done
export LD_LIBRARY_PATH
echo "unpacked in $(( $(date +%s) - t0 )) s; root $ROOT; node $(node --version)"
{ echo "root: $ROOT"; ls -la "$BUILT" 2>&1 | head -1; echo "node: $(node --version)"; uname -a; nproc; nvidia-smi -L
  nvidia-smi; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  for v in "$ROOT"/build/standin/*-real; do echo "== $v"; ldd "$v/addon/Release/trt_node.node"; done; } > "$OUT/env.txt" 2>&1
nvidia-smi -L
# Samplers: the GPU every second, and every compute process (pid, memory) every second.
nvidia-smi --query-gpu=timestamp,name,memory.used,memory.total,utilization.gpu --format=csv -l 1 > "$OUT/gpu-samples.csv" 2>&1 &
GPU_SAMPLER=$!
( echo "time,pid,process_name,used_memory"
  while :; do nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader 2>&1 | sed "s/^/$(date +%T.%N | cut -c1-12),/"; sleep 0.5; done
) > "$OUT/apps-samples.csv" &
APPS_SAMPLER=$!
timeout "${TEST_LIMIT_S:-520}" node scripts/test-standin.js --cuda real --tests-only "${ARGS[@]}" > "$OUT/test-standin.log" 2>&1
rc=$?
kill $GPU_SAMPLER $APPS_SAMPLER 2>/dev/null; wait 2>/dev/null
for j in build/standin/*-real/seed-*/jest.json; do
  b=${j#build/standin/}; cp "$j" "$OUT/jest-${b%%/*}-$(basename "$(dirname "$j")").json"
done
ls "$OUT"/jest-*.json | tail -n +3 | xargs -r rm -f  # at most 8 files come back
echo "---- test-standin exit $rc, $(( $(date +%s) - t0 )) s in all; failures and summary:"
grep -E "^\s*(FAIL|✕)|Tests:|Test Suites:|^test:standin" "$OUT/test-standin.log" | head -60
sed -n '/==== test:standin summary/,$p' "$OUT/test-standin.log"
echo "---- compute processes (samples with a process: $(grep -vc 'No running\|^time' "$OUT/apps-samples.csv")); largest used_memory per pid:"
grep -v 'No running\|^time' "$OUT/apps-samples.csv" | awk -F', *' '{m=$4+0; if (m>=max[$2]) {max[$2]=m; line[$2]=$0}; n[$2]++} END {for (p in max) print line[p] "  (" n[p] " samples)"}'
echo "---- GPU memory.used max: $(tail -n +2 "$OUT/gpu-samples.csv" | awk -F', *' '{m=$3+0; if (m>x) {x=m; l=$0}} END {print l}')"
exit $rc
