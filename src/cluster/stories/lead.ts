// Picks a story's lead article (the one to read first) and scores stories for the front page.
import type { Article } from '../../store/articles.ts';
import { cosineToSum } from '../text/vectors.ts';

/**
 * The lead is central to the coverage as it stands now, substantive (has a real summary), and an original rather than
 * a syndicated copy. "As it stands now": each member counts towards the centre with half the weight for every
 * `leadHalfLifeHours` it is older than the story's latest article, so once a story has moved on (the trial from its
 * opening to the testimony) the lead follows it instead of staying with the first report. No bonus for being early or
 * late: preferring the earliest kept first reports, preferring the latest picked the day-after explainers and opinion
 * pieces ("Explained in 60 seconds", "a good rule that will be hard to enforce") on the demo.
 */
export function chooseLead(articles: readonly Article[], vectors: Map<string, Float32Array>): Article {
  const times = articles.map((article) => Date.parse(article.publishedAt));
  const latest = Math.max(...times);
  let centre: Float32Array | null = null;
  articles.forEach((article, index) => {
    const vector = vectors.get(article.contentHash);
    if (!vector) return;
    centre ??= new Float32Array(vector.length);
    const weight = Math.pow(0.5, (latest - times[index]!) / (leadHalfLifeHours * 3600_000));
    for (let dimension = 0; dimension < vector.length; dimension++) centre[dimension]! += weight * vector[dimension]!;
  });
  let best = articles[0]!;
  let bestScore = -Infinity;
  articles.forEach((article, index) => {
    const vector = vectors.get(article.contentHash);
    const centrality = vector && centre ? cosineToSum(vector, centre) : 0.5;
    const substance = Math.min(article.summary.length, 300) / 300;
    const score = centrality + 0.15 * substance - (article.copyOf ? 0.2 : 0);
    if (score > bestScore) {
      bestScore = score;
      best = article;
    }
  });
  return best;
}

/** Coverage this much older than a story's latest article weighs half as much in choosing its lead. */
export const leadHalfLifeHours = 24;

/** Front-page score: distinct outlets matter most, then how fast coverage arrived, fading with age. */
export function storyScore(articles: readonly Pick<Article, 'source' | 'publishedAt'>[], now: number): number {
  const sources = new Set(articles.map((article) => article.source)).size;
  const times = articles.map((article) => Date.parse(article.publishedAt));
  const latest = Math.max(...times);
  const spanHours = Math.max(1, (latest - Math.min(...times)) / 3600_000);
  const velocity = articles.length / spanHours;
  const ageHours = Math.max(0, (now - latest) / 3600_000);
  return (sources + Math.min(velocity, 3)) * Math.pow(0.5, ageHours / 24);
}
