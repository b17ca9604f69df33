// How a story compares with another story and with a topic. The similarity blends the embeddings' cosine (meaning)
// with the TF-IDF cosine of the words (names and subjects that a small sentence encoder blurs: "Red Sox" vs "Yankees"
// are both baseball to it). A topic is compared through its profile, the sums of its members' vectors, which gives
// the story's average similarity to the members: unlike the cosine to a centroid it does not grow as a topic widens,
// so no topic turns into a catch-all.
import { backgroundSimilarity } from '../text/calibrate.ts';
import type { SimilarityScale } from '../text/calibrate.ts';
import { addInto, dot } from '../text/vectors.ts';
import { addSparse, sparseDot } from '../text/lexical.ts';
import type { TermVector } from '../text/lexical.ts';

export interface TopicStory {
  id: string;
  /** Unit-length centroid of the story's article embeddings. */
  vector: Float32Array;
  /** Unit-length TF-IDF vector of the story's words (empty when it has no word seen elsewhere). */
  terms: TermVector;
}

export interface TopicProfile {
  topicId: number;
  vectorSum: Float32Array;
  termSums: Map<string, number>;
  stories: number;
}

/** A profile with the lengths of its sums kept at hand, for skipping topics a story cannot reach. */
export interface LiveProfile extends TopicProfile {
  termNorm: number;
  vectorNorm: number;
}

/** Share of the similarity that comes from the words by default; the rest comes from the embeddings. */
export const defaultLexicalWeight = 0.5;

/** The profile keeps this many of its heaviest words: enough for the average, small enough to store. */
const profileTerms = 300;

/** The story's average similarity to the topic's members. */
export function profileSimilarity(story: TopicStory, profile: TopicProfile, lexicalWeight = defaultLexicalWeight): number {
  if (profile.stories === 0) return 0;
  return ((1 - lexicalWeight) * dot(story.vector, profile.vectorSum) + lexicalWeight * sparseDot(story.terms, profile.termSums)) / profile.stories;
}

/**
 * The story's average similarity to the topic's members if it is at least `minimum`, else null. Neither part can
 * exceed the length of the topic's mean vector (Cauchy–Schwarz, for unit-length stories), so a topic whose words the
 * story hardly shares is ruled out before the 512-wide product, and one it cannot reach even on perfect words before
 * the sparse one.
 */
export function profileSimilarityAbove(
  story: TopicStory, profile: LiveProfile, minimum: number, lexicalWeight = defaultLexicalWeight,
  /** sparseDot(story.terms, profile.termSums), when the caller has it (ProfileTermIndex.termDots). */
  termDot?: number,
): number | null {
  if (profile.stories === 0) return null;
  const embeddingAtMost = (1 - lexicalWeight) * profile.vectorNorm / profile.stories;
  if (embeddingAtMost + lexicalWeight * profile.termNorm / profile.stories < minimum) return null;
  const words = lexicalWeight * (termDot ?? sparseDot(story.terms, profile.termSums)) / profile.stories;
  if (embeddingAtMost + words < minimum) return null;
  const similarity = (1 - lexicalWeight) * dot(story.vector, profile.vectorSum) / profile.stories + words;
  return similarity >= minimum ? similarity : null;
}

/**
 * Which profiles hold each word, so a story's word products with every topic come from the profiles that share its
 * words rather than from a lookup of each of its words in each profile: a first import offers 13,000 stories (and the
 * waiting ones again after each new topic) to a few hundred topics, about 2.3 million products at 50,000 articles.
 * Profiles are numbered and the products summed in a typed array: measured apart, a Map of sums per story was no
 * faster than sparseDot, the array half its time. Postings only grow: a word a profile trimmed (trimTerms) is still
 * listed and finds nothing there.
 */
export class ProfileTermIndex {
  readonly #postings = new Map<string, Set<number>>();
  readonly #profiles: LiveProfile[] = [];
  readonly #slots = new Map<LiveProfile, number>();

  /** Lists the profile under the given words (all of its own when none are given). */
  add(profile: LiveProfile, terms: Iterable<string> = profile.termSums.keys()): void {
    let slot = this.#slots.get(profile);
    if (slot === undefined) {
      slot = this.#profiles.push(profile) - 1;
      this.#slots.set(profile, slot);
    }
    for (const term of terms) {
      let posting = this.#postings.get(term);
      if (!posting) this.#postings.set(term, (posting = new Set()));
      posting.add(slot);
    }
  }

  /**
   * A function giving sparseDot(terms, profile.termSums) for any profile as the profiles stand now (0 for one that
   * shares no word, or was never listed). Each product adds the same terms in the same order as sparseDot does (the
   * story's), starting from 0, so the sums are equal to the bit.
   */
  termDots(terms: TermVector): (profile: LiveProfile) => number {
    const dots = new Float64Array(this.#profiles.length);
    for (const [term, weight] of terms) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      for (const slot of posting) {
        const other = this.#profiles[slot]!.termSums.get(term);
        if (other) dots[slot]! += weight * other;
      }
    }
    return (profile) => {
      const slot = this.#slots.get(profile);
      return slot === undefined ? 0 : dots[slot]!;
    };
  }
}

export function emptyProfile(topicId: number, dimensions: number): LiveProfile {
  return { topicId, vectorSum: new Float32Array(dimensions), termSums: new Map(), stories: 0, termNorm: 0, vectorNorm: 0 };
}

export function liveProfile(profile: TopicProfile): LiveProfile {
  return { ...profile, termNorm: termNorm(profile.termSums), vectorNorm: Math.sqrt(dot(profile.vectorSum, profile.vectorSum)) };
}

export function addToProfile(profile: LiveProfile, story: TopicStory): void {
  addInto(profile.vectorSum, story.vector);
  addSparse(profile.termSums, story.terms);
  profile.stories++;
  if (profile.termSums.size > profileTerms * 2) trimTerms(profile.termSums);
  profile.termNorm = termNorm(profile.termSums);
  profile.vectorNorm = Math.sqrt(dot(profile.vectorSum, profile.vectorSum));
}

function termNorm(termSums: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const weight of termSums.values()) sum += weight * weight;
  return Math.sqrt(sum);
}


/** Keeps the heaviest words: the light ones add almost nothing to any dot product. */
function trimTerms(termSums: Map<string, number>): void {
  const kept = [...termSums].sort((a, b) => b[1] - a[1]).slice(0, profileTerms);
  termSums.clear();
  for (const [term, weight] of kept) termSums.set(term, weight);
}

/** A similarity matrix together with the stories it covers, so the next one can reuse what is still valid. */
export interface StoryMatrix {
  ids: string[];
  values: Float32Array;
}

/**
 * Every pairwise similarity, row-major n×n. Pairs already in `known` are copied rather than recomputed (the pool of
 * unassigned stories changes a little between batches); the words go through an inverted index, so only pairs that
 * share a word cost anything.
 */
export function similarityMatrix(stories: readonly TopicStory[], lexicalWeight = defaultLexicalWeight, known?: StoryMatrix): StoryMatrix {
  const n = stories.length;
  const values = new Float32Array(n * n);
  const knownIndex = new Map(known?.ids.map((id, index) => [id, index]));
  const previous = stories.map((story) => knownIndex.get(story.id) ?? -1);
  const knownSize = known?.ids.length ?? 0;
  const embeddingWeight = 1 - lexicalWeight;
  for (let row = 0; row < n; row++) {
    const vector = stories[row]!.vector;
    const oldRow = previous[row]!;
    for (let column = row + 1; column < n; column++) {
      const oldColumn = previous[column]!;
      const value = oldRow >= 0 && oldColumn >= 0
        ? known!.values[oldRow * knownSize + oldColumn]!
        : embeddingWeight * dot(vector, stories[column]!.vector);
      values[row * n + column] = value;
      values[column * n + row] = value;
    }
  }
  const postings = new Map<string, { story: number; weight: number }[]>();
  stories.forEach((story, index) => {
    for (const [term, weight] of story.terms) {
      const list = postings.get(term);
      if (list) list.push({ story: index, weight });
      else postings.set(term, [{ story: index, weight }]);
    }
  });
  for (const list of postings.values()) {
    for (let first = 0; first < list.length; first++) {
      const a = list[first]!;
      for (let second = first + 1; second < list.length; second++) {
        const b = list[second]!;
        if (previous[a.story]! >= 0 && previous[b.story]! >= 0) continue; // copied above, words included
        const value = lexicalWeight * a.weight * b.weight;
        values[a.story * n + b.story]! += value;
        values[b.story * n + a.story]! += value;
      }
    }
  }
  return { ids: stories.map((story) => story.id), values };
}

/**
 * What two unrelated stories score: the embeddings' background from calibrate.ts, and for the words the exact mean
 * over all pairs, which the sum of the unit vectors gives at once: (|Σv|² − Σ|v|²) / (n(n − 1)).
 */
export function backgroundScale(stories: readonly TopicStory[], lexicalWeight = defaultLexicalWeight): SimilarityScale {
  const embedding = backgroundSimilarity(stories.map((story) => story.vector));
  const n = stories.length;
  if (n < 2) return embedding;
  const sum = new Map<string, number>();
  let squares = 0;
  for (const story of stories) {
    for (const [term, weight] of story.terms) {
      sum.set(term, (sum.get(term) ?? 0) + weight);
      squares += weight * weight;
    }
  }
  let total = 0;
  for (const weight of sum.values()) total += weight * weight;
  const lexicalMean = (total - squares) / (n * (n - 1));
  return { mean: (1 - lexicalWeight) * embedding.mean + lexicalWeight * lexicalMean, std: embedding.std };
}
