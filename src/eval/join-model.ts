// A logistic model of "same event?" over several signals (the embedding cosine, words in common and how much text
// backs them, shared specifics, names only one side has, the lull), fitted on pairs from the labelled sets by
// scripts/fit-evidence.ts, which scores each set with the weights fitted on the other. A measuring tool: as the
// clusterer's join decision it scored below the blend (docs/stories.md, "How stories are made"), so the clusterer
// keeps the blend and takes from this model only the signals that held on both sets.

export interface Evidence {
  /** Average-link embedding cosine, rescaled so that 0 is what unrelated articles score and 1 is identity. */
  cosine: number;
  /** Average-link TF-IDF cosine of the words. */
  words: number;
  /** How much text the group has per article, 0 (a few words) to 1 (a headline and a summary, 30 salient words). */
  length: number;
  /** specifics.ts namesEvidence: how strongly the two share specifics, and the share of names the story lacks. */
  shared: number;
  missing: number;
  /** 1 when both sides name specifics and share none. */
  conflict: number;
  /** The lull between the two, as 1 − e^(−hours/12): a development after a quiet day is often a new story. */
  lull: number;
}

export interface JoinModel {
  bias: number;
  /** Weights of featureVector's entries, in its order. */
  weights: readonly number[];
}

export const featureNames = ['cosine', 'words', 'words × length', 'cosine × length', 'shared names', 'missing names', 'no shared name', 'lull'] as const;

export function featureVector(evidence: Evidence): number[] {
  const { cosine, words, length, shared, missing, conflict, lull } = evidence;
  return [cosine, words, words * length, cosine * length, shared, missing, conflict, lull];
}

/** Log-odds that the two belong to one story. */
export function joinLogit(model: JoinModel, features: readonly number[]): number {
  let logit = model.bias;
  for (let index = 0; index < features.length; index++) logit += model.weights[index]! * features[index]!;
  return logit;
}

/** What a lull of `hours` weighs as evidence (0 when the two overlap in time). */
export function lullOf(hours: number): number {
  return hours > 0 ? 1 - Math.exp(-hours / 12) : 0;
}

/**
 * Fits a join model by L2-regularised logistic regression (gradient descent on standardised features, then mapped
 * back), with the two classes weighed equally so that log-odds 0 means "as likely one story as not".
 */
export function fitJoinModel(examples: readonly { features: readonly number[]; same: boolean }[], options = { l2: 0.01, iterations: 3000, rate: 0.5 }): JoinModel {
  const dimensions = examples[0]!.features.length;
  const mean = Array.from({ length: dimensions }, (_, column) => examples.reduce((sum, example) => sum + example.features[column]!, 0) / examples.length);
  const spread = Array.from({ length: dimensions }, (_, column) => Math.sqrt(examples.reduce((sum, example) => sum + (example.features[column]! - mean[column]!) ** 2, 0) / examples.length) || 1);
  const scaled = examples.map((example) => example.features.map((value, column) => (value - mean[column]!) / spread[column]!));
  const positives = examples.filter((example) => example.same).length;
  const weightOf = examples.map((example) => (example.same ? 0.5 / positives : 0.5 / (examples.length - positives)));
  const weights = new Array<number>(dimensions).fill(0);
  let bias = 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const gradient = new Array<number>(dimensions).fill(0);
    let biasGradient = 0;
    scaled.forEach((features, index) => {
      let logit = bias;
      for (let column = 0; column < dimensions; column++) logit += weights[column]! * features[column]!;
      const error = (1 / (1 + Math.exp(-logit)) - (examples[index]!.same ? 1 : 0)) * weightOf[index]!;
      biasGradient += error;
      for (let column = 0; column < dimensions; column++) gradient[column]! += error * features[column]!;
    });
    bias -= options.rate * biasGradient;
    for (let column = 0; column < dimensions; column++) weights[column]! -= options.rate * (gradient[column]! + options.l2 * weights[column]!);
  }
  const raw = weights.map((weight, column) => weight / spread[column]!);
  return { bias: bias - raw.reduce((sum, weight, column) => sum + weight * mean[column]!, 0), weights: raw };
}
