// Finds new topics among stories no topic holds yet: average-link agglomerative clustering cut at a threshold, so a
// group's members are on average that similar to each other (no chaining of one subject into the next, unlike
// single-link or DBSCAN), and only groups with enough stories count; the rest wait for more company.

/**
 * Groups items whose average pairwise similarity stays at or above `threshold`, largest first; groups smaller than
 * `minSize` are left out. `similarity` is the full n×n matrix, row-major; it is used as scratch space and overwritten.
 * Nearest-neighbour chain algorithm: O(n²) time and no memory beyond the matrix.
 */
export function averageLinkGroups(similarity: Float32Array, n: number, threshold: number, minSize: number): number[][] {
  const size = new Array<number>(n).fill(1);
  const members: number[][] = Array.from({ length: n }, (_, index) => [index]);
  const open = new Uint8Array(n).fill(1); // still a cluster that may merge
  const chain: number[] = [];
  let next = 0;

  const nearest = (cluster: number): { other: number; value: number } => {
    let other = -1;
    let value = -Infinity;
    const row = cluster * n;
    for (let candidate = 0; candidate < n; candidate++) {
      if (candidate === cluster || !open[candidate]) continue;
      const candidateValue = similarity[row + candidate]!;
      if (candidateValue > value) {
        value = candidateValue;
        other = candidate;
      }
    }
    return { other, value };
  };

  for (;;) {
    if (chain.length === 0) {
      while (next < n && !open[next]) next++;
      if (next >= n) break;
      chain.push(next);
    }
    const cluster = chain.at(-1)!;
    const { other, value } = nearest(cluster);
    if (other < 0 || value < threshold) {
      // Average link is reducible: merges elsewhere never raise this cluster's best similarity, so it is final.
      open[cluster] = 0;
      chain.pop();
      continue;
    }
    if (chain.length >= 2 && chain.at(-2) === other) {
      chain.length -= 2;
      merge(similarity, n, size, open, cluster, other);
      members[cluster]!.push(...members[other]!);
      members[other] = [];
      continue;
    }
    chain.push(other);
  }

  return members.filter((group) => group.length >= minSize).sort((a, b) => b.length - a.length || a[0]! - b[0]!);
}

/** Folds cluster `other` into `into`: the similarity to any third cluster becomes the size-weighted mean (UPGMA). */
function merge(similarity: Float32Array, n: number, size: number[], open: Uint8Array, into: number, other: number): void {
  const intoSize = size[into]!;
  const otherSize = size[other]!;
  for (let third = 0; third < n; third++) {
    if (third === into || third === other) continue;
    const value = (intoSize * similarity[into * n + third]! + otherSize * similarity[other * n + third]!) / (intoSize + otherSize);
    similarity[into * n + third] = value;
    similarity[third * n + into] = value;
  }
  size[into] = intoSize + otherSize;
  open[other] = 0;
}
