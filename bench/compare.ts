/**
 * Comparator throughput: compares two float32 tensors (the second a perturbed copy of the first) and prints MB/s,
 * counting the bytes of both inputs. Run: npm run bench:compare [-- elementsInMillions]
 */
import { compareTensors } from '../lib/compare';
import { perturbedPairs } from './pairs';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function run(elements: number, repeats: number): void {
  const { expected, actual } = perturbedPairs(elements);
  const dims = [elements];
  const times: number[] = [];
  let pass = false;
  let first = 0;
  for (let r = 0; r < repeats + 1; r++) {
    const t0 = process.hrtime.bigint();
    pass = compareTensors('y', { type: 'float32', dims, data: actual }, { type: 'float32', dims, data: expected }).pass;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r > 0) times.push(ms); // the first pass warms up the JIT: shown apart
    else first = ms;
  }
  const mb = (2 * elements * 4) / 1e6;
  const ms = median(times);
  console.log(
    `${(elements / 1e6).toFixed(1).padStart(6)} M elements  ${mb.toFixed(0).padStart(5)} MB read  ` +
      `median ${ms.toFixed(1).padStart(7)} ms  ${((mb / ms) * 1000).toFixed(0).padStart(6)} MB/s  ` +
      `(first call ${((mb / first) * 1000).toFixed(0)} MB/s; pass=${pass}, ${repeats} runs)`,
  );
}

const big = Number(process.argv[2] ?? 64);
console.log('trt-node comparator throughput (float32 vs float32, every statistic in one pass)');
run(1e6, 9);
run(big * 1e6, 5);
