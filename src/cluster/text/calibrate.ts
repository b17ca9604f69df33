// Calibrates similarity thresholds per model from the data itself: every model has its own similarity scale, so
// "same story" is set as a distance above what two random articles score, never as one model's absolute number.
import { dot } from './vectors.ts';

export interface SimilarityScale {
  mean: number;
  std: number;
}

/** Mean and spread of the cosine between random pairs (deterministic sample, so runs agree). */
export function backgroundSimilarity(vectors: readonly Float32Array[], pairs = 4000): SimilarityScale {
  if (vectors.length < 2) return { mean: 0.1, std: 0.1 };
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values: number[] = [];
  for (let index = 0; index < pairs; index++) {
    const a = Math.floor(random() * vectors.length);
    const b = Math.floor(random() * vectors.length);
    if (a !== b) values.push(dot(vectors[a]!, vectors[b]!));
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** A cosine rescaled so that 0 is what two random articles score for the model and 1 is identity. */
export function aboveBackground(cosine: number, background: number): number {
  return (cosine - background) / (1 - background);
}

/**
 * A threshold placed `fraction` of the way from the background mean to a perfect match. The mean is a stable anchor
 * (the spread is inflated by the very related articles we are looking for), and the scale above it is what differs
 * between models.
 */
export function thresholdAbove(scale: SimilarityScale, fraction: number): number {
  return Math.min(0.95, Math.max(0.2, scale.mean + fraction * (1 - scale.mean)));
}
