/** The comparator benchmarks' data: float32 values and a copy perturbed by about 1e-7 (every element within tolerance). */
export function perturbedPairs(elements: number): { expected: Float32Array; actual: Float32Array } {
  const expected = new Float32Array(elements);
  const actual = new Float32Array(elements);
  let s = 12345;
  for (let i = 0; i < elements; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    expected[i] = s / 4294967296 - 0.5;
    actual[i] = expected[i] + ((s & 1023) - 512) * 1e-9;
  }
  return { expected, actual };
}
