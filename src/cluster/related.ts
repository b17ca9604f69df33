// Related stories for the sidebar: the nearest other stories by centroid among those sharing a term (a name, a
// place, a subject word), never the story itself. Only stories that changed are recomputed; a changed story also
// enters the lists of the unchanged stories it now beats.
import { dot } from './vectors.ts';
import { TermIndex } from './term-index.ts';

export interface StoryVector {
  id: string;
  /** Unit-length centroid. */
  centroid: Float32Array;
  terms: readonly string[];
}

export interface RelatedEntry {
  id: string;
  similarity: number;
}

export const relatedLimit = 5;
/** At most this many stories are compared with one story (see TermIndex.candidates). */
const candidateBudget = 100;

/**
 * New lists for the changed stories, and for any other story whose list a changed story enters (`current` gives
 * those stories' lists as stored). Stories absent from `stories` (merged, or too old) drop out of the lists touched.
 */
export function relatedStories(
  stories: readonly StoryVector[],
  changed: ReadonlySet<string>,
  minimum: number,
  current: (storyIds: string[]) => Map<string, RelatedEntry[]>,
): Map<string, RelatedEntry[]> {
  const index = new TermIndex();
  const byId = new Map(stories.map((story) => [story.id, story]));
  for (const story of stories) index.add(story.id, story.terms);

  const lists = new Map<string, RelatedEntry[]>();
  const entering = new Map<string, RelatedEntry[]>();
  for (const story of stories) {
    if (!changed.has(story.id)) continue;
    const scored: RelatedEntry[] = [];
    for (const otherId of index.candidates(story.terms, candidateBudget)) {
      if (otherId === story.id) continue;
      const similarity = dot(story.centroid, byId.get(otherId)!.centroid);
      if (similarity < minimum) continue;
      scored.push({ id: otherId, similarity });
      if (!changed.has(otherId)) entering.set(otherId, [...(entering.get(otherId) ?? []), { id: story.id, similarity }]);
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

function best(entries: RelatedEntry[]): RelatedEntry[] {
  return entries.sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id)).slice(0, relatedLimit);
}
