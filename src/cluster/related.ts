// Related stories for the sidebar: the nearest other stories among those sharing a word, never the story itself,
// by the same blend stories are made with (rescaled cosine of the centroids, TF-IDF cosine of the words, words
// weighing as much as the stories have text). Only stories that changed are recomputed; a changed story also enters
// the lists of the unchanged stories it now beats.
import { dot } from './vectors.ts';
import { aboveBackground } from './calibrate.ts';
import { TermIndex } from './term-index.ts';
import { sparseDot } from './lexical.ts';
import type { TermVector } from './lexical.ts';

export interface StoryVector {
  id: string;
  /** Unit-length centroid. */
  centroid: Float32Array;
  /** Unit-length TF-IDF vector of the members' words. */
  words: TermVector;
  /** The words' share in the blend for this story. */
  wordWeight: number;
}

export interface RelatedScale {
  /** Background cosine of random article pairs: the rescaled cosine's zero. */
  background: number;
  minimum: number;
}

export interface RelatedEntry {
  id: string;
  similarity: number;
}

export const relatedLimit = 5;
const relativeCut = 0.8;
/** At most this many stories are compared with one story (see TermIndex.candidates). */
const candidateBudget = 100;

/**
 * New lists for the changed stories, and for any other story whose list a changed story enters (`current` gives
 * those stories' lists as stored). Stories absent from `stories` (merged, or too old) drop out of the lists touched.
 */
export function relatedStories(
  stories: readonly StoryVector[],
  changed: ReadonlySet<string>,
  { background, minimum }: RelatedScale,
  current: (storyIds: string[]) => Map<string, RelatedEntry[]>,
): Map<string, RelatedEntry[]> {
  const index = new TermIndex();
  const byId = new Map(stories.map((story) => [story.id, story]));
  for (const story of stories) index.add(story.id, story.words.keys());

  const lists = new Map<string, RelatedEntry[]>();
  const entering = new Map<string, RelatedEntry[]>();
  for (const story of stories) {
    if (!changed.has(story.id)) continue;
    const scored: RelatedEntry[] = [];
    for (const otherId of index.candidates(story.words.keys(), candidateBudget)) {
      if (otherId === story.id) continue;
      const other = byId.get(otherId)!;
      const weight = (story.wordWeight + other.wordWeight) / 2;
      const cosine = aboveBackground(dot(story.centroid, other.centroid), background);
      const similarity = (1 - weight) * cosine + weight * sparseDot(story.words, other.words);
      if (similarity < minimum) continue;
      scored.push({ id: otherId, similarity });
      if (!changed.has(otherId)) {
        const newcomers = entering.get(otherId);
        if (newcomers) newcomers.push({ id: story.id, similarity });
        else entering.set(otherId, [{ id: story.id, similarity }]);
      }
    }
    lists.set(story.id, best(scored));
  }

  const stored = current([...entering.keys()]);
  for (const [storyId, newcomers] of entering) {
    const before = (stored.get(storyId) ?? []).filter((entry) => byId.has(entry.id) && !changed.has(entry.id));
    const after = best([...before, ...newcomers]);
    if (after.some((entry) => newcomers.includes(entry))) lists.set(storyId, after);
  }
  return lists;
}

/**
 * The closest few: besides the floor, a story only lists what comes near its best match, so a story with one close
 * neighbour shows that one rather than padding the sidebar with distant subjects.
 */
function best(entries: RelatedEntry[]): RelatedEntry[] {
  const sorted = entries.sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id));
  const cut = (sorted[0]?.similarity ?? 0) * relativeCut;
  return sorted.filter((entry) => entry.similarity >= cut).slice(0, relatedLimit);
}
