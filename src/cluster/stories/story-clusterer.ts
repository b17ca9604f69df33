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
// A follow-up (follow-up.ts) is forgiven the lull: a headline that carries the word a running story's headlines call
// it by ("outage", "tariff") continues that story, even a day later.
import { addInto, dot } from '../text/vectors.ts';
import { aboveBackground } from '../text/calibrate.ts';
import { TermIndex } from '../text/term-index.ts';
import { addSparse, sparseDot } from '../text/lexical.ts';
import type { TermVector } from '../text/lexical.ts';
import { disjointNames, namesEvidence } from '../text/specifics.ts';
import { carriesSubject, established, storySubject } from './follow-up.ts';

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
  /** The stems of its headline's words (follow-up.ts stemsOf): what the story's subject is made of. */
  headline?: ReadonlySet<string>;
  /** The stems of its headline's and summary's words: whether it carries a story's subject (follow-up.ts). */
  textStems?: ReadonlySet<string>;
  /** The feed it came from, when known: a story told by one outlet alone needs stronger evidence from that outlet. */
  outlet?: number;
  /** Whether its headline follows a template of its feed (text/templates.ts), which its words no longer hold. */
  templated?: boolean;
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
  /** How many members' headlines use each stem (follow-up.ts): the words the coverage calls the story by. */
  headlines: Map<string, number>;
  /** The one outlet all its members came from; null once a second outlet (or an article of unknown outlet) joins. */
  soleOutlet?: number | null;
  /** Whether every member's headline follows a template of that outlet (text/templates.ts). */
  templated?: boolean;
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
  /**
   * Each side has names of its own: the article names what the story never does and lacks what most of the story's
   * members name (namesEvidence `missing` and `lacking`; the smaller of the two costs this). Two events of one subject
   * look so ("Saints" shared; "Reggie Bush" against "Pierre Thomas"), while a development or another angle of one
   * event usually lacks only one side's. Small on purpose: at 0.02–0.03 it lifted ecbplus and both held-out-kind
   * proxies by 0.02–0.04 but cost uci-dev 0.003, whose broad stories lose their first names as they run
   * ("Beyonce" early, "Sandberg" later); 0.01 lowered no visible set in one run or ten (docs/stories.md).
   */
  distinctNamesCost: number;
  /**
   * Disjoint specifics: when both sides are more than headlines (at least `namedTextWords` salient words per article
   * on average) and each names specifics that the other never does, numbers aside (specifics.ts disjointNames: two
   * quakes of magnitude 6.8 share a number, not a place), they are two events, and no similarity joins them. A
   * summary's names are the event's own ("Valparaíso, Chile" against "Kushiro, Hokkaido"; "Brno" against "Tampere"):
   * two quakes or two shootings on one day, told in the same words, share none, and the embedding alone scores them up
   * to 0.8. A headline's names are not evidence enough for
   * that (Title Case hides them, and Google News' broad stories change names as they run: uci-dev), so bare headlines
   * keep only the small distinct-names cost above. Fully disjoint names are rare between reports of one event: as a
   * cost of 0.1 to 0.4 or as a veto, the rule gave the same figures on every visible set (docs/stories.md).
   */
  namedTextWords: number;
  /**
   * Follow-ups (follow-up.ts): a group that carries the subject of a story that has run for a while (every word most
   * of the story's headlines use, in an article's headline or summary, or in half of a story's headlines) is its
   * development, not a new event: the lull is forgiven in proportion to how established the story is, and its words
   * are compared with the story's words as a whole (their sum, class-based TF-IDF) rather than member by member, in
   * the same proportion. A story is fully established once its coverage has lasted `followUpHours` (0: no follow-ups).
   * Set on the demo's threads (content/samples/README.md): 4 to 8 hours make all seven one story each, near misses
   * apart; the labelled sets cannot tell (uci-dev's stories each came within one minute, ecbplus has no dates).
   */
  followUpHours: number;
  /**
   * Joining a story told by one outlet alone, from that same outlet (or merging two such stories of one outlet), needs
   * this much more similarity: one feed's items about one politician, a video series whose titles share a template,
   * or a market report each afternoon read alike but are not one event; another outlet telling it is the evidence.
   */
  sameOutletMargin: number;
}

/**
 * Measured with `wirefold eval` on the labelled sets (see docs/stories.md). candidateBudget: at most this many stories
 * are compared with one article (TermIndex.candidates, rarest words first); the labelled sets are too small to feel
 * it, so it was set on bench/cluster's 50k stream, where 50 scores B-cubed F1 0.994 against its events (100: 0.989,
 * more false joins among stories sharing only common words) and takes 1.4 s less.
 */
export const defaultStoryConfig = {
  threshold: 0.2, mergeThreshold: 0.3, windowHours: 72, quietPenalty: 0.3, quietHours: 12, wordWeight: 0.85, fullTextWords: 30, candidateBudget: 50,
  namesBonus: 0.03, missingNamesCost: 0.1, distinctNamesCost: 0.01, namedTextWords: 12, followUpHours: 6, sameOutletMargin: 0.2,
};

/** The words' share of the blend for a text (or a story's articles on average) with this many salient words. */
export function wordShare(config: Pick<StoryClustererConfig, 'wordWeight' | 'fullTextWords'>, wordsPerArticle: number): number {
  return config.wordWeight * Math.min(1, wordsPerArticle / config.fullTextWords);
}

export class StoryClusterer {
  readonly #config: StoryClustererConfig;
  readonly #stories = new Map<string, StoryCluster>();
  readonly #index = new TermIndex();
  readonly #newId: (article: ClusterArticle) => string;
  /** Each story's subject and the length of its summed words, kept until the story changes. */
  readonly #subjects = new Map<string, string[]>();
  readonly #wordNorms = new Map<string, number>();

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
    const headlines = new Map([...(article.headline ?? [])].map((stem) => [stem, 1]));
    const texts = new Map([...(article.textStems ?? article.headline ?? [])].map((stem) => [stem, 1]));
    const windowMs = windowHours * 3600_000;
    let best: StoryCluster | null = null;
    let bestScore = -Infinity;
    // One group for every candidate: #similarity only reads it, and a run compares 50,000 articles with up to 50
    // stories each.
    const group: Group = { sum: article.vector, words: article.words, wordCount: article.wordCount, names, headlines, texts, size: 1, firstTime: article.time, lastTime: article.time, soleOutlet: article.outlet ?? null, templated: article.templated };
    for (const storyId of this.#index.candidates(article.words.keys(), candidateBudget)) {
      const story = this.#stories.get(storyId)!;
      if (article.time - story.lastTime > windowMs) {
        // Articles arrive roughly in time order, so a story this far behind will not take any later one either.
        if (article.time - story.lastTime > 2 * windowMs) this.#index.remove(story.id);
        continue;
      }
      if (story.firstTime - article.time > windowMs) continue;
      const lull = this.#lull(Math.max(article.time - story.lastTime, story.firstTime - article.time));
      const score = this.#similarity(group, story, lull, Math.max(bestScore, threshold));
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
      headlines,
      soleOutlet: article.outlet ?? null,
      templated: article.templated,
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
        const score = this.#similarity(story, other, lull, Math.max(bestScore, mergeThreshold));
        if (score > bestScore) {
          bestScore = score;
          best = other;
        }
      }
      if (!best || bestScore < mergeThreshold) continue;
      const [survivor, merged] = best.firstTime < story.firstTime || (best.firstTime === story.firstTime && best.id < story.id) ? [best, story] : [story, best];
      this.#absorb(survivor, merged);
      this.#stories.delete(merged.id);
      this.#forget(merged.id);
      this.#index.remove(merged.id);
      for (const merge of merges) if (merge.into === merged.id) merge.into = survivor.id;
      merges.push({ from: merged.id, into: survivor.id });
    }
    return merges;
  }

  /**
   * Blended average-link similarity of a group (one article, or a story: sums of its members' vectors and words, names
   * and headline stems counted over members) to a story, with what the specifics, the lull and a follow-up say (see
   * StoryClustererConfig); -Infinity when it cannot beat `floor` even on perfect words, which saves the sparse product.
   */
  #similarity(group: Group, story: StoryCluster, lull: number, floor: number): number {
    const pairs = group.size * story.size;
    const oneOutlet = group.soleOutlet != null && group.soleOutlet === story.soleOutlet ? this.#config.sameOutletMargin : 0;
    // Between one outlet's templated items (a series) the embedding mostly sees the template they share: only the
    // words outside it count (their words were counted without it, text/templates.ts).
    const series = oneOutlet > 0 && !!group.templated && !!story.templated;
    const weight = series ? 1 : wordShare(this.#config, group.wordCount / group.size);
    const cosine = aboveBackground(dot(group.sum, story.sum) / pairs, this.#config.background);
    const { shared, missing, lacking } = namesEvidence(group.names, group.size, story.names, story.size);
    const evidence = this.#config.namesBonus * shared - this.#config.missingNamesCost * missing - this.#config.distinctNamesCost * Math.min(missing, lacking) - oneOutlet;
    // Even forgiven the whole lull and with perfect words it cannot beat the floor: skip the follow-up and the words.
    if ((1 - weight) * cosine + weight + evidence <= floor) return -Infinity;
    if (this.#disjoint(group, story)) return -Infinity;
    const forgiven = lull > 0 && this.#config.followUpHours > 0 ? this.#followUp(group, story) : 0;
    const adjust = evidence - lull * (1 - forgiven);
    if ((1 - weight) * cosine + weight + adjust <= floor) return -Infinity;
    const product = sparseDot(group.words, story.words);
    const words = forgiven > 0 ? (1 - forgiven) * (product / pairs) + forgiven * (product / (this.#wordNorm(group) * this.#wordNorm(story))) : product / pairs;
    return (1 - weight) * cosine + weight * words + adjust;
  }

  /** Whether a group and a story have disjoint specifics (StoryClustererConfig namedTextWords): two events. */
  #disjoint(group: Group, story: StoryCluster): boolean {
    const { namedTextWords } = this.#config;
    return group.wordCount >= namedTextWords * group.size && story.wordCount >= namedTextWords * story.size &&
      disjointNames(group.names, story.names, story.size);
  }

  /**
   * How far the later of the two continues the earlier as its follow-up, 0 to 1: how established the earlier story is
   * (follow-up.ts), when the later one's headlines carry its subject; 0 otherwise.
   */
  #followUp(group: Group, story: StoryCluster): number {
    const [earlier, later]: [Group, Group] = group.firstTime < story.firstTime ? [group, story] : [story, group];
    const running = established(earlier.firstTime, earlier.lastTime, this.#config.followUpHours);
    if (running === 0) return 0;
    return carriesSubject(this.#subject(earlier), later.texts ?? later.headlines, later.size) ? running : 0;
  }

  #subject(group: Group): string[] {
    const id = 'id' in group ? (group as StoryCluster).id : '';
    const known = id ? this.#subjects.get(id) : undefined;
    if (known) return known;
    const subject = storySubject(group.headlines, group.size);
    if (id) this.#subjects.set(id, subject);
    return subject;
  }

  #wordNorm(group: Group): number {
    const id = 'id' in group ? (group as StoryCluster).id : '';
    const known = id ? this.#wordNorms.get(id) : undefined;
    if (known !== undefined) return known;
    let total = 0;
    for (const weight of group.words.values()) total += weight * weight;
    const norm = Math.sqrt(total) || 1;
    if (id) this.#wordNorms.set(id, norm);
    return norm;
  }

  #forget(id: string): void {
    this.#subjects.delete(id);
    this.#wordNorms.delete(id);
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
    for (const [stem, count] of other.headlines) story.headlines.set(stem, (story.headlines.get(stem) ?? 0) + count);
    this.#forget(story.id);
    if (story.soleOutlet !== other.soleOutlet) story.soleOutlet = null;
    story.templated = !!story.templated && !!other.templated;
    story.firstTime = Math.min(story.firstTime, other.firstTime);
    story.lastTime = Math.max(story.lastTime, other.lastTime);
    this.#index.add(story.id, other.words.keys());
  }
}

/** What is compared with a story: one article (size 1) or another story. */
type Group = Pick<StoryCluster, 'sum' | 'words' | 'wordCount' | 'names' | 'headlines' | 'size' | 'firstTime' | 'lastTime' | 'soleOutlet' | 'templated'> & {
  /** An article's headline and summary stems, for carrying a subject; a story carries one by its headlines. */
  texts?: ReadonlyMap<string, number>;
};
