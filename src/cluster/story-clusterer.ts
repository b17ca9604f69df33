// Groups articles into stories (one event, many outlets) one article at a time, so new articles join existing
// stories without reclustering history. Similarity to a story is a blend of two average links to its members
// (average link, unlike a centroid's cosine, does not drift as a story grows, so one event never swallows a whole
// subject): the embeddings' cosine, rescaled so that 0 is what two random articles score and 1 is identity, and the
// TF-IDF cosine of their words (lexical.ts). Words weigh in proportion to how much text the article has: a bare
// headline's few words are noisy, a summary's names and numbers are what separate look-alike events. Only stories
// still active around the article's time and sharing a term with it are compared (term-index.ts). A story that has
// gone quiet asks for a closer match (quietPenalty): coverage of one event comes in a burst, and an article arriving
// after a lull of many hours is more often a new development on the same subject (a second day's launch, a review
// after the preview) than more of the same event. Specifics weigh in as evidence (specifics.ts): shared names add a
// little, names the story lacks cost more, since two events of one subject share its main name but not their own.
import { addInto, dot } from './vectors.ts';
import { aboveBackground } from './calibrate.ts';
import { TermIndex } from './term-index.ts';
import { addSparse, sparseDot } from './lexical.ts';
import type { TermVector } from './lexical.ts';
import { namesEvidence } from './specifics.ts';

export interface ClusterArticle {
  id: number;
  vector: Float32Array;
  /** Milliseconds since the epoch. */
  time: number;
  /** Unit TF-IDF vector of headline and summary; its terms find the candidate stories. */
  words: TermVector;
  /** How many salient words the article has: a short text gets less say for its words. */
  wordCount: number;
  /** Its specifics (names, places, numbers: specifics.ts); a join needs one in common with the story. */
  names: ReadonlySet<string>;
}

export interface StoryCluster {
  id: string;
  /** How many articles the story holds. */
  size: number;
  /** Sum of member vectors: its direction is the centroid. */
  sum: Float32Array;
  firstTime: number;
  lastTime: number;
  /** Sum of the members' TF-IDF vectors, and of their word counts. */
  words: TermVector;
  wordCount: number;
  /** How many members name each specific. */
  names: Map<string, number>;
}

export interface StoryClustererConfig {
  /** Background similarity of random article pairs for this model (calibrate.ts): the cosine's zero point. */
  background: number;
  /** Minimum blended similarity to join a story, on the rescaled cosine's scale; and for two stories to merge. */
  threshold: number;
  mergeThreshold: number;
  /** A story stops taking articles this long after its latest one. */
  windowHours: number;
  /** What a lull costs in similarity: quietPenalty × (1 − e^(−lull / quietHours)). */
  quietPenalty: number;
  quietHours: number;
  /** Weight of the words in the blend for an article with `fullTextWords` salient words or more. */
  wordWeight: number;
  fullTextWords: number;
  candidateBudget: number;
  /**
   * Specifics as evidence (specifics.ts namesEvidence): shared names add `namesBonus` times their strength (0 to 1), and
   * the share of the article's names that the story lacks costs `missingNamesCost`.
   */
  namesBonus: number;
  missingNamesCost: number;
}

/**
 * Measured with `wirefold eval` on the labelled sets (see the README). candidateBudget: at most this many stories
 * are compared with one article (TermIndex.candidates, rarest words first); the labelled sets are too small to feel
 * it, so it was set on bench/cluster's 50k stream, where 50 scores B-cubed F1 0.994 against its events (100: 0.989,
 * more false joins among stories sharing only common words) and takes 1.4 s less.
 */
export const defaultStoryConfig = { threshold: 0.2, mergeThreshold: 0.3, windowHours: 72, quietPenalty: 0.3, quietHours: 12, wordWeight: 0.85, fullTextWords: 30, candidateBudget: 50, namesBonus: 0.03, missingNamesCost: 0.1 };

/** The words' share of the blend for a text (or a story's articles on average) with this many salient words. */
export function wordShare(config: Pick<StoryClustererConfig, 'wordWeight' | 'fullTextWords'>, wordsPerArticle: number): number {
  return config.wordWeight * Math.min(1, wordsPerArticle / config.fullTextWords);
}

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

  story(id: string): StoryCluster | undefined {
    return this.#stories.get(id);
  }

  /** Places the article in the best matching active story, or starts a new one; returns the story id. */
  add(article: ClusterArticle): string {
    const { threshold, windowHours, candidateBudget } = this.#config;
    const names = new Map([...article.names].map((name) => [name, 1]));
    const windowMs = windowHours * 3600_000;
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
      const lull = this.#lull(Math.max(article.time - story.lastTime, story.firstTime - article.time));
      const score = this.#similarity(article.vector, article.words, article.wordCount, names, 1, story, lull, Math.max(bestScore, threshold));
      if (score > bestScore) {
        bestScore = score;
        best = story;
      }
    }
    const single: StoryCluster = {
      id: '',
      size: 1,
      sum: article.vector,
      firstTime: article.time,
      lastTime: article.time,
      words: article.words,
      wordCount: article.wordCount,
      names,
    };
    if (best && bestScore >= threshold) {
      this.#absorb(best, single);
      return best.id;
    }
    const story = { ...single, id: this.#newId(article), sum: Float32Array.from(article.vector), words: new Map(article.words) };
    this.#stories.set(story.id, story);
    this.#index.add(story.id, story.words.keys());
    return story.id;
  }

  /**
   * Merges each of the given stories with its most similar active story when the two, as wholes, pass the merge
   * threshold: stories that started apart can grow together. The older story survives, so its id and URL stay.
   */
  consolidate(storyIds: Iterable<string>): { from: string; into: string }[] {
    const { mergeThreshold, windowHours, candidateBudget } = this.#config;
    const windowMs = windowHours * 3600_000;
    const merges: { from: string; into: string }[] = [];
    for (const storyId of storyIds) {
      const story = this.#stories.get(storyId);
      if (!story) continue;
      let best: StoryCluster | null = null;
      let bestScore = -Infinity;
      for (const otherId of this.#index.candidates(story.words.keys(), candidateBudget)) {
        const other = this.#stories.get(otherId)!;
        if (other === story || other.firstTime - story.lastTime > windowMs || story.firstTime - other.lastTime > windowMs) continue;
        const lull = this.#lull(Math.max(other.firstTime - story.lastTime, story.firstTime - other.lastTime));
        const score = this.#similarity(story.sum, story.words, story.wordCount, story.names, story.size, other, lull, Math.max(bestScore, mergeThreshold));
        if (score > bestScore) {
          bestScore = score;
          best = other;
        }
      }
      if (!best || bestScore < mergeThreshold) continue;
      const [survivor, merged] = best.firstTime < story.firstTime || (best.firstTime === story.firstTime && best.id < story.id) ? [best, story] : [story, best];
      this.#absorb(survivor, merged);
      this.#stories.delete(merged.id);
      this.#index.remove(merged.id);
      for (const merge of merges) if (merge.into === merged.id) merge.into = survivor.id;
      merges.push({ from: merged.id, into: survivor.id });
    }
    return merges;
  }

  /**
   * Blended average-link similarity of a group (one article, or a story: sums of `members` vectors, names counted over
   * members) to a story, with what the specifics and the lull say (see StoryClustererConfig); -Infinity when it cannot
   * beat `floor` even on perfect words, which saves the sparse product.
   */
  #similarity(sum: Float32Array, words: TermVector, wordCount: number, names: ReadonlyMap<string, number>, members: number, story: StoryCluster, lull: number, floor: number): number {
    const pairs = members * story.size;
    const weight = wordShare(this.#config, wordCount / members);
    const cosine = aboveBackground(dot(sum, story.sum) / pairs, this.#config.background);
    const { shared, missing } = namesEvidence(names, members, story.names, story.size);
    const adjust = this.#config.namesBonus * shared - this.#config.missingNamesCost * missing - lull;
    if ((1 - weight) * cosine + weight + adjust <= floor) return -Infinity;
    return (1 - weight) * cosine + weight * (sparseDot(words, story.words) / pairs) + adjust;
  }

  /** The similarity a lull of `milliseconds` between an article (or story) and a story costs; none when they overlap. */
  #lull(milliseconds: number): number {
    const { quietPenalty, quietHours } = this.#config;
    return milliseconds > 0 ? quietPenalty * (1 - Math.exp(-milliseconds / (quietHours * 3600_000))) : 0;
  }

  #absorb(story: StoryCluster, other: StoryCluster): void {
    story.size += other.size;
    addInto(story.sum, other.sum);
    addSparse(story.words, other.words);
    story.wordCount += other.wordCount;
    for (const [name, count] of other.names) story.names.set(name, (story.names.get(name) ?? 0) + count);
    story.firstTime = Math.min(story.firstTime, other.firstTime);
    story.lastTime = Math.max(story.lastTime, other.lastTime);
    this.#index.add(story.id, other.words.keys());
  }
}
