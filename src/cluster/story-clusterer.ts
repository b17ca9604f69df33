// Groups articles into stories (one event, many outlets) one article at a time, so new articles join existing
// stories without reclustering history. Similarity is the article's average cosine to the story's members (average
// link: unlike the centroid's cosine it does not drift as a story grows, so one event never swallows a whole subject)
// plus a bonus for shared names and numbers, among stories still active around the article's time.

export interface ClusterArticle {
  id: number;
  vector: Float32Array;
  /** Milliseconds since the epoch. */
  time: number;
  source: string;
  title: string;
}

export interface StoryCluster {
  id: string;
  articleIds: number[];
  /** Sum of member vectors: its direction is the centroid. */
  sum: Float32Array;
  firstTime: number;
  lastTime: number;
  terms: Set<string>;
}

export interface StoryClustererConfig {
  /** Minimum combined similarity to join a story; calibrated per model (see calibrate.ts). */
  threshold: number;
  /** A story stops taking articles this long after its latest one. */
  windowHours: number;
  /** Weight of the shared-terms bonus (names, numbers) on top of the cosine. */
  termWeight: number;
}

export const defaultStoryConfig = { windowHours: 72, termWeight: 0.15 };

import { addInto, dot } from './vectors.ts';
import { salientTerms } from './terms.ts';

export class StoryClusterer {
  readonly #config: StoryClustererConfig;
  readonly #stories = new Map<string, StoryCluster>();
  readonly #newId: (article: ClusterArticle) => string;

  constructor(config: StoryClustererConfig, newId: (article: ClusterArticle) => string, existing: readonly StoryCluster[] = []) {
    this.#config = config;
    this.#newId = newId;
    for (const story of existing) this.#stories.set(story.id, story);
  }

  get stories(): IterableIterator<StoryCluster> {
    return this.#stories.values();
  }

  /** Places the article in the best matching active story, or starts a new one; returns the story id. */
  add(article: ClusterArticle): string {
    const windowMs = this.#config.windowHours * 3600_000;
    const terms = salientTerms(article.title);
    let best: StoryCluster | null = null;
    let bestScore = -Infinity;
    for (const story of this.#stories.values()) {
      if (article.time - story.lastTime > windowMs || story.firstTime - article.time > windowMs) continue;
      const score = dot(article.vector, story.sum) / story.articleIds.length + this.#config.termWeight * overlap(terms, story.terms);
      if (score > bestScore) {
        bestScore = score;
        best = story;
      }
    }
    if (best && bestScore >= this.#config.threshold) {
      best.articleIds.push(article.id);
      addInto(best.sum, article.vector);
      best.firstTime = Math.min(best.firstTime, article.time);
      best.lastTime = Math.max(best.lastTime, article.time);
      for (const term of terms) best.terms.add(term);
      return best.id;
    }
    const story: StoryCluster = {
      id: this.#newId(article),
      articleIds: [article.id],
      sum: Float32Array.from(article.vector),
      firstTime: article.time,
      lastTime: article.time,
      terms: new Set(terms),
    };
    this.#stories.set(story.id, story);
    return story.id;
  }
}

/** Share of the article's salient terms the story already has. */
function overlap(terms: readonly string[], storyTerms: Set<string>): number {
  if (terms.length === 0) return 0;
  let shared = 0;
  for (const term of terms) if (storyTerms.has(term)) shared++;
  return shared / terms.length;
}
