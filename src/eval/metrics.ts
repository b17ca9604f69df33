// Scores a predicted clustering against a gold labelling (B-cubed, ARI, NMI, V-measure), matching scikit-learn's definitions and edge cases.

/**
 * A cluster or class name. Compared with Map (SameValueZero) semantics, so `1` and `'1'` are
 * different labels: callers mixing the two would be silently merging clusters otherwise.
 */
export type ClusterLabel = string | number;

export interface BCubedScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusteringScores {
  /** Per-item averaged B-cubed (Bagga & Baldwin 1998); f1 is the harmonic mean of the averaged precision and recall. */
  bcubed: BCubedScores;
  /** Adjusted Rand Index (Hubert & Arabie 1985); 0 for chance, can be negative, 1 for identical partitions. */
  ari: number;
  /** Normalised mutual information, arithmetic-mean normaliser (scikit-learn's default). */
  nmi: number;
  /** Harmonic mean of homogeneity and completeness (beta = 1). */
  vMeasure: number;
  /** 1 when every predicted cluster holds members of a single gold cluster. */
  homogeneity: number;
  /** 1 when every gold cluster sits inside a single predicted cluster. */
  completeness: number;
  /** Number of distinct predicted clusters. */
  clusters: number;
  /** Number of distinct gold clusters. */
  goldClusters: number;
  /** Predicted clusters of size 1 divided by the number of predicted clusters (0 when there are none). */
  singletonShare: number;
}

/** Non-zero cells of the gold × predicted contingency table plus its margins; all metrics derive from this. */
interface Contingency {
  n: number;
  /** Size of each predicted cluster, by dense id. */
  predSizes: number[];
  /** Size of each gold cluster, by dense id. */
  goldSizes: number[];
  /** Only the non-zero cells, so the cost is O(n + cells) rather than O(clusters × goldClusters). */
  cells: { pred: number; gold: number; count: number }[];
}

/**
 * Scores `predicted` against `gold`, where index i is the same item in both arrays.
 * Label names are arbitrary; only the grouping they induce matters.
 */
export function scoreClustering(
  predicted: readonly ClusterLabel[],
  gold: readonly ClusterLabel[],
): ClusteringScores {
  if (predicted.length !== gold.length) {
    throw new RangeError(
      `scoreClustering: predicted has ${predicted.length} items but gold has ${gold.length}`,
    );
  }
  const table = buildContingency(predicted, gold);
  const { homogeneity, completeness, vMeasure } = homogeneityCompletenessV(table);
  const singletons = table.predSizes.filter((size) => size === 1).length;
  return {
    bcubed: bcubed(table),
    ari: adjustedRandIndex(table),
    nmi: normalizedMutualInfo(table),
    vMeasure,
    homogeneity,
    completeness,
    clusters: table.predSizes.length,
    goldClusters: table.goldSizes.length,
    singletonShare: table.predSizes.length === 0 ? 0 : singletons / table.predSizes.length,
  };
}

function denseIds(labels: readonly ClusterLabel[]): { ids: Uint32Array; sizes: number[] } {
  const index = new Map<ClusterLabel, number>();
  const ids = new Uint32Array(labels.length);
  const sizes: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let id = index.get(labels[i]!);
    if (id === undefined) {
      id = sizes.length;
      index.set(labels[i]!, id);
      sizes.push(0);
    }
    ids[i] = id;
    sizes[id]!++;
  }
  return { ids, sizes };
}

function buildContingency(
  predicted: readonly ClusterLabel[],
  gold: readonly ClusterLabel[],
): Contingency {
  const pred = denseIds(predicted);
  const goldIds = denseIds(gold);
  const goldCount = goldIds.sizes.length;
  // One flat numeric key per cell: pred * goldCount + gold stays below n² (2.5e9 at 50k items),
  // well inside exact double range, and avoids a Map per predicted cluster.
  const counts = new Map<number, number>();
  for (let i = 0; i < predicted.length; i++) {
    const key = pred.ids[i]! * goldCount + goldIds.ids[i]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const cells: Contingency['cells'] = [];
  for (const [key, count] of counts) {
    const p = Math.floor(key / goldCount);
    cells.push({ pred: p, gold: key - p * goldCount, count });
  }
  return { n: predicted.length, predSizes: pred.sizes, goldSizes: goldIds.sizes, cells };
}

function bcubed(table: Contingency): BCubedScores {
  // Nothing to score: treat the empty labelling as trivially perfect, as scikit-learn does for V-measure.
  if (table.n === 0) return { precision: 1, recall: 1, f1: 1 };
  // Every item in cell (p, g) has the same per-item precision count/|p| and recall count/|g|,
  // so summing count²/size over cells equals summing over items without an O(n²) pass.
  let precisionSum = 0;
  let recallSum = 0;
  for (const { pred, gold, count } of table.cells) {
    precisionSum += (count * count) / table.predSizes[pred]!;
    recallSum += (count * count) / table.goldSizes[gold]!;
  }
  const precision = precisionSum / table.n;
  const recall = recallSum / table.n;
  // Both are > 0 whenever n > 0 (an item always shares a cluster with itself), so no 0/0 here.
  const f1 = (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

function adjustedRandIndex(table: Contingency): number {
  // Pair counting as in scikit-learn's pair_confusion_matrix (but over unordered pairs, which
  // leaves the ratio unchanged). All counts are integers below n²/2, so they are exact in doubles.
  const { n } = table;
  let sumCellSq = 0;
  for (const { count } of table.cells) sumCellSq += count * count;
  let sumPredSq = 0;
  for (const size of table.predSizes) sumPredSq += size * size;
  let sumGoldSq = 0;
  for (const size of table.goldSizes) sumGoldSq += size * size;

  const together = (sumCellSq - n) / 2; // same predicted cluster and same gold cluster
  const predOnly = (sumPredSq - n) / 2 - together; // same predicted cluster, different gold
  const goldOnly = (sumGoldSq - n) / 2 - together; // same gold cluster, different predicted
  const apart = (n * (n - 1)) / 2 - together - predOnly - goldOnly;

  // Identical partitions (including all-singletons on both sides, one cluster on both sides,
  // and fewer than two items) would otherwise give 0/0; scikit-learn returns 1 for all of them.
  if (predOnly === 0 && goldOnly === 0) return 1;
  return (
    (2 * (together * apart - goldOnly * predOnly)) /
    ((together + goldOnly) * (goldOnly + apart) + (together + predOnly) * (predOnly + apart))
  );
}

/** Shannon entropy (natural log) of a labelling given its cluster sizes. */
function entropy(sizes: readonly number[], n: number): number {
  if (sizes.length <= 1) return 0;
  const logN = Math.log(n);
  let h = 0;
  for (const size of sizes) h += (size / n) * (logN - Math.log(size));
  return h;
}

/** Mutual information (natural log) between the predicted and gold labellings. */
function mutualInfo(table: Contingency): number {
  const { n } = table;
  // One side is a single cluster: it carries no information, and this avoids rounding noise.
  if (table.predSizes.length <= 1 || table.goldSizes.length <= 1) return 0;
  const logN = Math.log(n);
  let mi = 0;
  for (const { pred, gold, count } of table.cells) {
    const outer = table.predSizes[pred]! * table.goldSizes[gold]!;
    mi += (count / n) * (Math.log(count) + logN - Math.log(outer));
  }
  // MI is never negative; a tiny negative sum is rounding, which scikit-learn also clips.
  return Math.max(mi, 0);
}

/** Ratios that are ≤ 1 in exact arithmetic can land an ulp above it; keep reports tidy. */
function clampUnit(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function normalizedMutualInfo(table: Contingency): number {
  const predCount = table.predSizes.length;
  const goldCount = table.goldSizes.length;
  // scikit-learn: one cluster on both sides, or no items at all, is a perfect match.
  if ((predCount === 1 && goldCount === 1) || (predCount === 0 && goldCount === 0)) return 1;
  const mi = mutualInfo(table);
  // With the perfect-match cases handled above, (near-)zero MI means independence; returning
  // early also avoids dividing by a zero entropy when one side is a single cluster.
  if (Math.abs(mi) < Number.EPSILON) return 0;
  const normaliser = (entropy(table.predSizes, table.n) + entropy(table.goldSizes, table.n)) / 2;
  return clampUnit(mi / normaliser);
}

function homogeneityCompletenessV(table: Contingency): {
  homogeneity: number;
  completeness: number;
  vMeasure: number;
} {
  if (table.n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1 };
  const goldEntropy = entropy(table.goldSizes, table.n);
  const predEntropy = entropy(table.predSizes, table.n);
  const mi = mutualInfo(table);
  // Zero entropy means a single cluster on that side; scikit-learn scores the ratio as 1 then,
  // e.g. one gold class is trivially homogeneous under any prediction.
  const homogeneity = goldEntropy === 0 ? 1 : clampUnit(mi / goldEntropy);
  const completeness = predEntropy === 0 ? 1 : clampUnit(mi / predEntropy);
  const sum = homogeneity + completeness;
  const vMeasure = sum === 0 ? 0 : (2 * homogeneity * completeness) / sum;
  return { homogeneity, completeness, vMeasure };
}
