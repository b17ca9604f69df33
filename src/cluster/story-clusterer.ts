// Groups articles into stories (one event, many outlets) one article at a time, so new articles join existing
// stories without reclustering history. Similarity to a story is a blend of two average links to its members
// (average link, unlike a centroid's cosine, does not drift as a story grows, so one event never swallows a whole
// subject): the embeddings' cosine, rescaled so that 0 is what two random articles score and 1 is identity, and the
// TF-IDF cosine of their words (lexical.ts). Words weigh in proportion to how much text the article has: a bare
// headline's few words are noisy, a summary's names and numbers are what separate look-alike events. Only stories
// still active around the article's time and sharing a term with it are compared (term-index.ts).
import { addInto, dot } from './vectors.ts';
import { TermIndex } from './term-index.ts';
import { addSparse, sparseDot } from './lexical.ts';
import type { TermVector } from './lexical.ts';

export interface ClusterArticle {
  id: number;
  vector: Float32Array;
  /** Milliseconds since the epoch. */
  time: number;
  source: string;
  /** Unit TF-IDF vector of headline and summary; its terms find the candidate stories. */
  words: TermVector;
  /** How many salient words the article has: a short text gets less say for its words. */
  wordCount: number;
}

export interface StoryCluster {
  id: string;
  articleIds: number[];
  /** Sum of member vectors: its direction is the centroid. */
  sum: Float32Array;
  firstTime: number;
  lastTime: number;
  /** Sum of the members' TF-IDF vectors. */
  words: TermVector;
}

export interface StoryClustererConfig {
  /** Background similarity of random article pairs for this model (calibrate.ts): the cosine's zero point. */
  background: number;
  /** Minimum blended similarity to join a story, on the rescaled cosine's scale. */
  threshold: number;
  /** A story stops taking articles this long after its latest one. */
  windowHours: number;
  /** Weight of the words in the blend for an article with `fullTextWords` salient words or more. */
  wordWeight: number;
  fullTextWords: number;
  candidateBudget: number;
}

/**
 * Measured with `wirefold eval` on the labelled sets (see the README); candidateBudget: at most this many stories
 * are compared with one article (TermIndex.candidates).
 */
export const defaultStoryConfig = { threshold: 0.2, windowHours: 72, wordWeight: 0.85, fullTextWords: 30, candidateBudget: 100 };

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
      this.#index.add(story.id, story.words.keys());
    }
  }

  get stories(): IterableIterator<StoryCluster> {
    return this.#stories.values();
  }

  /** Places the article in the best matching active story, or starts a new one; returns the story id. */
  add(article: ClusterArticle): string {
    const { background, threshold, windowHours, wordWeight, fullTextWords, candidateBudget } = this.#config;
    const windowMs = windowHours * 3600_000;
    const words = wordWeight * Math.min(1, article.wordCount / fullTextWords);
    let best: StoryCluster | null = null;
    let bestScore = -Infinity;
    for (const storyId of this.#index.candidates(article.words.keys(), candidateBudget)) {
      const story = this.#stories.get(storyId)!;
      if (article.time - story.lastTime > windowMs) {
        // Articles arrive roughly in time order, so a story this far behind will not take any later one either.
        if (article.time - story.lastTime > 2 * windowMs) this.#index.remove(story.id);
        continue;
      }
      if (story.firstTime - article.time > windowMs) continue;
      const members = story.articleIds.length;
      const cosine = (dot(article.vector, story.sum) / members - background) / (1 - background);
      if ((1 - words) * cosine + words <= Math.max(bestScore, threshold)) continue; // cannot win even on words
      const score = (1 - words) * cosine + words * (sparseDot(article.words, story.words) / members);
      if (score > bestScore) {
        bestScore = score;
        best = story;
      }
    }
    if (best && bestScore >= threshold) {
      best.articleIds.push(article.id);
      addInto(best.sum, article.vector);
      addSparse(best.words, article.words);
      best.firstTime = Math.min(best.firstTime, article.time);
      best.lastTime = Math.max(best.lastTime, article.time);
      this.#index.add(best.id, article.words.keys());
      return best.id;
    }
    const story: StoryCluster = {
      id: this.#newId(article),
      articleIds: [article.id],
      sum: Float32Array.from(article.vector),
      firstTime: article.time,
      lastTime: article.time,
      words: new Map(article.words),
    };
    this.#stories.set(story.id, story);
    this.#index.add(story.id, article.words.keys());
    return story.id;
  }
}
