/** The nearest of some known names to a misspelt one, for "did you mean …?" (options, flags, tensor names). */

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours), capped: past `cap` it returns cap + 1. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The known name nearest to `name` (case ignored), if it is near enough to be a slip: at most a third of its length
 * away (at least 1, at most 3 edits); undefined otherwise. Ties go to the first in `known`.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const cap = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = cap + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), cap);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
