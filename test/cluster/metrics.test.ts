// Known-value and property tests for the clustering metrics; expected numbers are hand-computed,
// from scikit-learn's documented examples, or from an independent plain-python reference
// (naive per-item B-cubed, exact-fraction Hubert–Arabie ARI, conditional-entropy V-measure).
import { describe, expect, it } from 'vitest';
import { scoreClustering, type ClusterLabel, type ClusteringScores } from '../../src/eval/metrics.ts';

const DIGITS = 12;

/** Deterministic PRNG (mulberry32) so property tests are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomLabels(n: number, k: number, rand: () => number): number[] {
  return Array.from({ length: n }, () => Math.floor(rand() * k));
}

function expectScoresClose(actual: ClusteringScores, expected: ClusteringScores): void {
  expect(actual.clusters).toBe(expected.clusters);
  expect(actual.goldClusters).toBe(expected.goldClusters);
  expect(actual.singletonShare).toBeCloseTo(expected.singletonShare, DIGITS);
  expect(actual.bcubed.precision).toBeCloseTo(expected.bcubed.precision, DIGITS);
  expect(actual.bcubed.recall).toBeCloseTo(expected.bcubed.recall, DIGITS);
  expect(actual.bcubed.f1).toBeCloseTo(expected.bcubed.f1, DIGITS);
  expect(actual.ari).toBeCloseTo(expected.ari, DIGITS);
  expect(actual.nmi).toBeCloseTo(expected.nmi, DIGITS);
  expect(actual.homogeneity).toBeCloseTo(expected.homogeneity, DIGITS);
  expect(actual.completeness).toBeCloseTo(expected.completeness, DIGITS);
  expect(actual.vMeasure).toBeCloseTo(expected.vMeasure, DIGITS);
}

function expectAllOnes(s: ClusteringScores): void {
  for (const value of [
    s.bcubed.precision,
    s.bcubed.recall,
    s.bcubed.f1,
    s.ari,
    s.nmi,
    s.homogeneity,
    s.completeness,
    s.vMeasure,
  ]) {
    expect(value).toBeCloseTo(1, DIGITS);
  }
}

// Note the argument order: scoreClustering(predicted, gold), whereas scikit-learn takes
// (labels_true, labels_pred); each case below states the sklearn call it mirrors.
describe('scikit-learn documented examples', () => {
  it('ARI: renamed identical labelling is 1', () => {
    // adjusted_rand_score([0,0,1,1],[1,1,0,0]) == 1.0
    expect(scoreClustering([1, 1, 0, 0], [0, 0, 1, 1]).ari).toBe(1);
  });

  it('ARI: splitting one class gives 4/7 either way round', () => {
    // adjusted_rand_score([0,0,1,2],[0,0,1,1]) ≈ 0.5714 and adjusted_rand_score([0,0,1,1],[0,0,1,2]) ≈ 0.5714
    expect(scoreClustering([0, 0, 1, 1], [0, 0, 1, 2]).ari).toBeCloseTo(4 / 7, DIGITS);
    expect(scoreClustering([0, 0, 1, 2], [0, 0, 1, 1]).ari).toBeCloseTo(4 / 7, DIGITS);
  });

  it('ARI: fully split class is 0, discordant labelling is negative', () => {
    // adjusted_rand_score([0,0,0,0],[0,1,2,3]) == 0.0
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 0, 0]).ari).toBe(0);
    // adjusted_rand_score([0,0,1,1],[0,1,0,1]) == -0.5
    expect(scoreClustering([0, 1, 0, 1], [0, 0, 1, 1]).ari).toBeCloseTo(-0.5, DIGITS);
  });

  it('homogeneity', () => {
    // homogeneity_score(true, pred) for the documented pairs
    expect(scoreClustering([1, 1, 0, 0], [0, 0, 1, 1]).homogeneity).toBeCloseTo(1, DIGITS);
    expect(scoreClustering([0, 0, 1, 2], [0, 0, 1, 1]).homogeneity).toBeCloseTo(1, DIGITS);
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 1, 1]).homogeneity).toBeCloseTo(1, DIGITS);
    expect(scoreClustering([0, 0, 0, 0], [0, 0, 1, 1]).homogeneity).toBe(0);
    expect(scoreClustering([0, 1, 0, 1], [0, 0, 1, 1]).homogeneity).toBe(0);
  });

  it('completeness', () => {
    // completeness_score([0,0,1,1],[0,0,1,2]): MI = ln2, H(pred) = 1.5·ln2 → 2/3 (by hand)
    expect(scoreClustering([0, 0, 1, 2], [0, 0, 1, 1]).completeness).toBeCloseTo(2 / 3, DIGITS);
    expect(scoreClustering([1, 1, 0, 0], [0, 0, 1, 1]).completeness).toBeCloseTo(1, DIGITS);
    // completeness_score([0,0,1,1],[0,0,0,0]) == 1.0: a single predicted cluster is trivially complete
    expect(scoreClustering([0, 0, 0, 0], [0, 0, 1, 1]).completeness).toBe(1);
    // completeness_score([0,1,2,3],[0,0,1,1]) == 0.999...
    expect(scoreClustering([0, 0, 1, 1], [0, 1, 2, 3]).completeness).toBeCloseTo(1, DIGITS);
    expect(scoreClustering([0, 1, 0, 1], [0, 0, 1, 1]).completeness).toBe(0);
    // completeness_score([0,0,0,0],[0,1,2,3]) == 0.0
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 0, 0]).completeness).toBe(0);
  });

  it('V-measure', () => {
    // v_measure_score([0,0,1,2],[0,0,1,1]) ≈ 0.8 (h = 2/3, c = 1) and the mirror [0,0,1,1],[0,0,1,2]
    expect(scoreClustering([0, 0, 1, 1], [0, 0, 1, 2]).vMeasure).toBeCloseTo(0.8, DIGITS);
    expect(scoreClustering([0, 0, 1, 2], [0, 0, 1, 1]).vMeasure).toBeCloseTo(0.8, DIGITS);
    // v_measure_score([0,1,2,3],[0,0,1,1]) ≈ 0.666 and its mirror
    expect(scoreClustering([0, 0, 1, 1], [0, 1, 2, 3]).vMeasure).toBeCloseTo(2 / 3, DIGITS);
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 1, 1]).vMeasure).toBeCloseTo(2 / 3, DIGITS);
    // v_measure_score([0,0,1,1],[0,0,0,0]) == 0.0 and v_measure_score([0,0,0,0],[0,1,2,3]) == 0.0
    expect(scoreClustering([0, 0, 0, 0], [0, 0, 1, 1]).vMeasure).toBe(0);
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 0, 0]).vMeasure).toBe(0);
  });

  it('NMI', () => {
    // normalized_mutual_info_score([0,0,1,1],[0,0,1,1]) and ([0,0,1,1],[1,1,0,0]) == 1.0
    expect(scoreClustering([0, 0, 1, 1], [0, 0, 1, 1]).nmi).toBeCloseTo(1, DIGITS);
    expect(scoreClustering([1, 1, 0, 0], [0, 0, 1, 1]).nmi).toBeCloseTo(1, DIGITS);
    // normalized_mutual_info_score([0,0,0,0],[0,1,2,3]) == 0.0, both ways round
    expect(scoreClustering([0, 1, 2, 3], [0, 0, 0, 0]).nmi).toBe(0);
    expect(scoreClustering([0, 0, 0, 0], [0, 1, 2, 3]).nmi).toBe(0);
    // Arithmetic normaliser: MI = ln2, (1.5·ln2 + ln2)/2 = 1.25·ln2 → 0.8
    expect(scoreClustering([0, 0, 1, 2], [0, 0, 1, 1]).nmi).toBeCloseTo(0.8, DIGITS);
    // Independent labellings
    expect(scoreClustering([0, 1, 0, 1], [0, 0, 1, 1]).nmi).toBe(0);
  });
});

describe('hand-computed example', () => {
  // predicted: a = {0,1,2}, b = {3,4}, c = {5}; gold: 1 = {0,1}, 2 = {2,3,4,5}
  const predicted = ['a', 'a', 'a', 'b', 'b', 'c'];
  const gold = [1, 1, 2, 2, 2, 2];
  const s = scoreClustering(predicted, gold);

  it('B-cubed', () => {
    // precision per item: 2/3, 2/3, 1/3, 1, 1, 1 → 14/3 / 6 = 7/9
    expect(s.bcubed.precision).toBeCloseTo(7 / 9, DIGITS);
    // recall per item: 1, 1, 1/4, 1/2, 1/2, 1/4 → 3.5 / 6 = 7/12
    expect(s.bcubed.recall).toBeCloseTo(7 / 12, DIGITS);
    // 2·(7/9)(7/12) / (7/9 + 7/12) = 2/3
    expect(s.bcubed.f1).toBeCloseTo(2 / 3, DIGITS);
  });

  it('ARI', () => {
    // index = C(2,2)+C(2,2) = 2; Σ pred pairs = 3+1 = 4; Σ gold pairs = 1+6 = 7; C(6,2) = 15
    // (2 − 4·7/15) / ((4+7)/2 − 4·7/15) = 4/109
    expect(s.ari).toBeCloseTo(4 / 109, DIGITS);
  });

  it('homogeneity, completeness, V-measure, NMI', () => {
    // Cluster a (half the items) has gold mix 2:1, the same as the whole: H(C|K) = H(C)/2 → 0.5
    expect(s.homogeneity).toBeCloseTo(0.5, DIGITS);
    // The rest from the python reference (completeness via H(K|C), not via MI)
    expect(s.completeness).toBeCloseTo(0.31466852103841336, DIGITS);
    expect(s.vMeasure).toBeCloseTo(0.3862534428571299, DIGITS);
    // With the arithmetic normaliser NMI equals V-measure (beta = 1) algebraically
    expect(s.nmi).toBeCloseTo(0.38625344285713004, DIGITS);
  });

  it('counts', () => {
    expect(s.clusters).toBe(3);
    expect(s.goldClusters).toBe(2);
    // one singleton (c) out of three predicted clusters
    expect(s.singletonShare).toBeCloseTo(1 / 3, DIGITS);
  });
});

describe('python reference cases', () => {
  // Generated with random.seed(7) in the reference script; values are that script's output.
  it('random labelling, 30 items, unrelated', () => {
    const predicted = [2, 1, 3, 0, 0, 4, 0, 2, 4, 0, 4, 1, 0, 0, 3, 3, 0, 1, 0, 4, 3, 0, 4, 0, 1, 4, 0, 4, 4, 3];
    const gold = [0, 1, 0, 1, 2, 3, 1, 0, 2, 1, 0, 1, 2, 0, 0, 0, 1, 3, 3, 2, 3, 3, 2, 2, 1, 1, 1, 0, 2, 3];
    expectScoresClose(scoreClustering(predicted, gold), {
      bcubed: { precision: 2947 / 6600, recall: 2867 / 7560, f1: 8449049 / 20600760 },
      ari: 523 / 6700,
      nmi: 0.2881054031600098,
      vMeasure: 0.2881054031600096,
      homogeneity: 0.2978528188300271,
      completeness: 0.278975751077842,
      clusters: 5,
      goldClusters: 4,
      singletonShare: 0,
    });
  });

  it('noisy copy of gold, 40 items', () => {
    const predicted = [
      7, 5, 3, 2, 4, 0, 0, 4, 3, 2, 6, 1, 1, 3, 0, 5, 0, 4, 4, 5, 2, 5, 2, 4, 3, 4, 3, 2, 0, 2, 3, 5, 5, 8, 0, 5, 8,
      2, 5, 4,
    ];
    const gold = [
      2, 5, 3, 2, 4, 0, 0, 4, 3, 1, 2, 1, 3, 3, 0, 5, 0, 4, 4, 2, 2, 5, 2, 4, 3, 4, 3, 0, 0, 2, 3, 5, 5, 0, 0, 5, 5,
      2, 5, 4,
    ];
    expectScoresClose(scoreClustering(predicted, gold), {
      bcubed: { precision: 927 / 1120, recall: 389 / 560, f1: 360603 / 477400 },
      ari: 8501 / 12726,
      nmi: 0.776951171365533,
      vMeasure: 0.7769511713655328,
      homogeneity: 0.835395444287578,
      completeness: 0.7261497296393306,
      clusters: 9,
      goldClusters: 6,
      // clusters 7 and 6 have one item each
      singletonShare: 2 / 9,
    });
  });
});

describe('edge cases', () => {
  it('one cluster on both sides scores 1 everywhere', () => {
    const s = scoreClustering(['x', 'x', 'x'], [5, 5, 5]);
    expectAllOnes(s);
    expect(s.homogeneity).toBe(1);
    expect(s.completeness).toBe(1);
    expect(s.nmi).toBe(1);
    expect(s.ari).toBe(1);
  });

  it('all singletons on both sides scores 1 everywhere', () => {
    const s = scoreClustering([0, 1, 2, 3, 4], ['e', 'd', 'c', 'b', 'a']);
    expectAllOnes(s);
    expect(s.ari).toBe(1);
    expect(s.singletonShare).toBe(1);
  });

  it('all singletons predicted against one gold cluster', () => {
    const s = scoreClustering([0, 1, 2, 3], [0, 0, 0, 0]);
    expect(s.bcubed.precision).toBe(1);
    expect(s.bcubed.recall).toBeCloseTo(1 / 4, DIGITS);
    expect(s.bcubed.f1).toBeCloseTo(0.4, DIGITS);
    expect(s.ari).toBe(0);
    expect(s.homogeneity).toBe(1);
    expect(s.completeness).toBe(0);
    expect(s.vMeasure).toBe(0);
    expect(s.nmi).toBe(0);
    expect(s.clusters).toBe(4);
    expect(s.goldClusters).toBe(1);
    expect(s.singletonShare).toBe(1);
  });

  it('a single item', () => {
    const s = scoreClustering(['only'], ['only']);
    expectAllOnes(s);
    expect(s.clusters).toBe(1);
    expect(s.singletonShare).toBe(1);
  });

  it('no items: vacuously perfect, no clusters', () => {
    const s = scoreClustering([], []);
    expectAllOnes(s);
    expect(s.clusters).toBe(0);
    expect(s.goldClusters).toBe(0);
    expect(s.singletonShare).toBe(0);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => scoreClustering([0, 1], [0])).toThrow(RangeError);
  });

  it('treats 1 and "1" as different labels', () => {
    const s = scoreClustering([1, '1'], [0, 0]);
    expect(s.clusters).toBe(2);
    expect(s.bcubed.precision).toBe(1);
    expect(s.bcubed.recall).toBeCloseTo(0.5, DIGITS);
  });
});

describe('properties', () => {
  /** Renames labels through a random bijection, mixing strings and numbers. */
  function rename(labels: readonly number[], rand: () => number): ClusterLabel[] {
    const names = new Map<number, ClusterLabel>();
    const used = new Set<ClusterLabel>();
    return labels.map((label) => {
      let name = names.get(label);
      if (name === undefined) {
        do {
          const r = Math.floor(rand() * 1e6);
          name = rand() < 0.5 ? r : `topic-${r}`;
        } while (used.has(name));
        used.add(name);
        names.set(label, name);
      }
      return name;
    });
  }

  it('renaming labels on either side leaves every score unchanged', () => {
    const rand = rng(42);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 80);
      const predicted = randomLabels(n, 1 + Math.floor(rand() * 12), rand);
      const gold = randomLabels(n, 1 + Math.floor(rand() * 12), rand);
      const base = scoreClustering(predicted, gold);
      expectScoresClose(scoreClustering(rename(predicted, rand), rename(gold, rand)), base);
    }
  });

  it('reordering items (consistently on both sides) leaves every score unchanged', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + Math.floor(rand() * 60);
      const predicted = randomLabels(n, 1 + Math.floor(rand() * 8), rand);
      const gold = randomLabels(n, 1 + Math.floor(rand() * 8), rand);
      const order = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
      expectScoresClose(
        scoreClustering(
          order.map((i) => predicted[i]!),
          order.map((i) => gold[i]!),
        ),
        scoreClustering(predicted, gold),
      );
    }
  });

  it('predicting gold exactly gives all 1s', () => {
    const rand = rng(1);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 100);
      const gold = randomLabels(n, 1 + Math.floor(rand() * 20), rand);
      const s = scoreClustering(rename(gold, rand), gold);
      expectAllOnes(s);
      expect(s.ari).toBe(1);
      expect(s.clusters).toBe(s.goldClusters);
    }
  });

  it('swapping predicted and gold swaps precision/recall and homogeneity/completeness', () => {
    const rand = rng(3);
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + Math.floor(rand() * 60);
      const a = randomLabels(n, 1 + Math.floor(rand() * 10), rand);
      const b = randomLabels(n, 1 + Math.floor(rand() * 10), rand);
      const ab = scoreClustering(a, b);
      const ba = scoreClustering(b, a);
      expect(ba.bcubed.precision).toBeCloseTo(ab.bcubed.recall, DIGITS);
      expect(ba.bcubed.recall).toBeCloseTo(ab.bcubed.precision, DIGITS);
      expect(ba.homogeneity).toBeCloseTo(ab.completeness, DIGITS);
      expect(ba.completeness).toBeCloseTo(ab.homogeneity, DIGITS);
      expect(ba.ari).toBeCloseTo(ab.ari, DIGITS);
      expect(ba.nmi).toBeCloseTo(ab.nmi, DIGITS);
      expect(ba.vMeasure).toBeCloseTo(ab.vMeasure, DIGITS);
    }
  });

  it('B-cubed agrees with the naive per-item definition', () => {
    const rand = rng(11);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rand() * 50);
      const predicted = randomLabels(n, 1 + Math.floor(rand() * 10), rand);
      const gold = randomLabels(n, 1 + Math.floor(rand() * 10), rand);
      let precision = 0;
      let recall = 0;
      for (let i = 0; i < n; i++) {
        let samePred = 0;
        let sameGold = 0;
        let both = 0;
        for (let j = 0; j < n; j++) {
          const p = predicted[j] === predicted[i];
          const g = gold[j] === gold[i];
          if (p) samePred++;
          if (g) sameGold++;
          if (p && g) both++;
        }
        precision += both / samePred;
        recall += both / sameGold;
      }
      const s = scoreClustering(predicted, gold);
      expect(s.bcubed.precision).toBeCloseTo(precision / n, DIGITS);
      expect(s.bcubed.recall).toBeCloseTo(recall / n, DIGITS);
    }
  });

  it('scores stay in range', () => {
    const rand = rng(5);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 80);
      const s = scoreClustering(
        randomLabels(n, 1 + Math.floor(rand() * 15), rand),
        randomLabels(n, 1 + Math.floor(rand() * 15), rand),
      );
      for (const v of [s.bcubed.precision, s.bcubed.recall, s.bcubed.f1, s.nmi, s.homogeneity, s.completeness, s.vMeasure, s.singletonShare]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(s.ari).toBeGreaterThanOrEqual(-1);
      expect(s.ari).toBeLessThanOrEqual(1);
    }
  });
});

describe('scale', () => {
  it('handles 50k items with many clusters quickly', () => {
    const rand = rng(99);
    const n = 50_000;
    const gold = randomLabels(n, 5_000, rand);
    // 90% correct, the rest scattered into fresh singletons
    const predicted = gold.map((g, i) => (rand() < 0.9 ? g : `noise-${i}`));
    const started = performance.now();
    const s = scoreClustering(predicted, gold);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(s.goldClusters).toBeLessThanOrEqual(5_000);
    expect(s.bcubed.precision).toBe(1); // splitting off singletons never hurts precision
    expect(s.homogeneity).toBeCloseTo(1, DIGITS);
    expect(s.bcubed.recall).toBeGreaterThan(0.75);
    expect(s.bcubed.recall).toBeLessThan(0.9);
    // ≈ 2·0.81 / (1 + 0.81) ≈ 0.895: about 81% of gold pairs survive, and no false pairs are added
    expect(s.ari).toBeGreaterThan(0.85);
    expect(s.ari).toBeLessThan(0.95);
  });
});
