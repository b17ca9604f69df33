// Groups articles into stories (one event, many outlets) one article at a time, so new articles join existing
// stories without reclustering history. Similarity is the article's average cosine to the story's members (average
// link: unlike the centroid's cosine it does not drift as a story grows, so one event never swallows a whole subject)
// plus a bonus for the share of its headline's terms the story already has, among stories still active around the
// article's time that share at least one term with it (see term-index.ts).
import { addInto, dot } from './vectors.ts';
import { TermIndex } from './term-index.ts';

export interface ClusterArticle {
  id: number;
  vector: Float32Array;
  /** Milliseconds since the epoch. */
  time: number;
  source: string;
  /** Salient terms of the headline (they earn the bonus) and of headline and summary (they find candidates). */
  titleTerms: readonly string[];
  terms: readonly string[];
}

export interface StoryCluster {
  id: string;
  articleIds: number[];
  /** Sum of member vectors: its direction is the centroid. */
  sum: Float32Array;
  firstTime: number;
  lastTime: number;
  /** Salient terms of the members' headlines and summaries. */
  terms: Iterable<string>;
}

export interface StoryClustererConfig {
  /** Minimum combined similarity to join a story; calibrated per model (see calibrate.ts). */
  threshold: number;
  /** A story stops taking articles this long after its latest one. */
  windowHours: number;
  /** Weight of the shared-terms bonus (names, numbers) on top of the cosine. */
  termWeight: number;
  candidateBudget: number;
}

/** candidateBudget: at most this many stories are compared with one article (see TermIndex.candidates). */
export const defaultStoryConfig = { windowHours: 72, termWeight: 0.15, candidateBudget: 100 };

export class StoryClusterer {
  readonly #config: StoryClustererConfig;
  readonly #stories = new Map<string, StoryCluster>();
  readonly #index = new TermIndex();
  readonly #newId: (article: ClusterArticle) => string;

  constructor(config: StoryClustererConfig, newId: (article: ClusterArticle) => string, existing: readonly StoryCluster[] = []) {
    this.#config = config;
    this.#newId = newId;
    for (const story of existing) {
      this.#stories.set(story.id, story);
      this.#index.add(story.id, story.terms);
    }
  }

  get stories(): IterableIterator<StoryCluster> {
    return this.#stories.values();
  }

  /** Places the article in the best matching active story, or starts a new one; returns the story id. */
  add(article: ClusterArticle): string {
    const windowMs = this.#config.windowHours * 3600_000;
    let best: StoryCluster | null = null;
    let bestScore = -Infinity;
    for (const storyId of this.#index.candidates(article.terms, this.#config.candidateBudget)) {
      const story = this.#stories.get(storyId)!;
      if (article.time - story.lastTime > windowMs) {
        // Articles arrive roughly in time order, so a story this far behind will not take any later one either.
        if (article.time - story.lastTime > 2 * windowMs) this.#retire(story);
        continue;
      }
      if (story.firstTime - article.time > windowMs) continue;
      const cosine = dot(article.vector, story.sum) / story.articleIds.length;
      if (cosine + this.#config.termWeight <= Math.max(bestScore, this.#config.threshold)) continue; // cannot win
      const score = cosine + this.#config.termWeight * this.#overlap(article.titleTerms, story.id);
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
      this.#index.add(best.id, article.terms);
      return best.id;
    }
    const story: StoryCluster = {
      id: this.#newId(article),
      articleIds: [article.id],
      sum: Float32Array.from(article.vector),
      firstTime: article.time,
      lastTime: article.time,
      terms: article.terms,
    };
    this.#stories.set(story.id, story);
    this.#index.add(story.id, article.terms);
    return story.id;
  }

  #retire(story: StoryCluster): void {
    this.#index.remove(story.id);
  }

  /** Share of the headline's terms the story already has. */
  #overlap(terms: readonly string[], storyId: string): number {
    if (terms.length === 0) return 0;
    const storyTerms = this.#index.termsOf(storyId);
    let shared = 0;
    for (const term of terms) if (storyTerms.has(term)) shared++;
    return shared / terms.length;
  }
}
