/** Dims: sizes nobody gave. */

/** The size a dynamic dim gets when nobody says: batch 1, image height/width 64, anything else 8. */
export function defaultDimSize(rank: number, axis: number): number {
  if (axis === 0) return 1;
  if (rank >= 4 && axis >= 2) return 64;
  return 8;
}
