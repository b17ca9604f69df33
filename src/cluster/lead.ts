// Picks a story's lead article (the one to read first) and scores stories for the front page.
import type { Article } from '../store/articles.ts';
import { cosineToSum } from './vectors.ts';

/**
 * The lead is central to the story (close to its centroid), substantive (has a real summary), early, and an original
 * rather than a syndicated copy. Centrality dominates; the rest break near-ties.
 */
export function chooseLead(articles: readonly Article[], vectors: Map<string, Float32Array>, sum: Float32Array | null): Article {
  const firstTime = Math.min(...articles.map((article) => Date.parse(article.publishedAt)));
  let best = articles[0]!;
  let bestScore = -Infinity;
  for (const article of articles) {
    const vector = vectors.get(article.contentHash);
    const centrality = vector && sum ? cosineToSum(vector, sum) : 0.5;
    const substance = Math.min(article.summary.length, 300) / 300;
    const hoursLate = (Date.parse(article.publishedAt) - firstTime) / 3600_000;
    const score = centrality + 0.15 * substance - 0.01 * Math.min(hoursLate, 24) - (article.copyOf ? 0.2 : 0);
    if (score > bestScore) {
      bestScore = score;
      best = article;
    }
  }
  return best;
}

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
