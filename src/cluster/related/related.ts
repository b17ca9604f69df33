// Related stories for the sidebar: the nearest other stories among those sharing a word, never the story itself,
// by the same blend stories are made with (rescaled cosine of the centroids, TF-IDF cosine of the words, words
// weighing as much as the stories have text). Only stories that changed are recomputed; a changed story also enters
// the lists of the unchanged stories it now beats.
import { dot, normalized } from '../text/vectors.ts';
import { aboveBackground } from '../text/calibrate.ts';
import { TermIndex } from '../text/term-index.ts';
import { sparseDot } from '../text/lexical.ts';
import type { StoryProfile } from '../../store/story-profiles.ts';

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
 * those stories' lists as stored). `others` are the stories that may be listed, by their terms alone: only the
 * candidates of changed stories are loaded whole (`profiles`). Stories absent from `others` (merged, or too old) drop
 * out of the lists touched.
 */
export async function relatedStories(
  changed: readonly StoryProfile[],
  others: readonly { id: string; terms: readonly string[] }[],
  profiles: (storyIds: string[]) => Promise<Map<string, StoryProfile>>,
  { background, minimum }: RelatedScale,
  current: (storyIds: string[]) => Promise<Map<string, RelatedEntry[]>>,
): Promise<Map<string, RelatedEntry[]>> {
  // Changed stories are indexed by their fresh words only, after the others, whatever the store holds for them: the
  // order of a posting decides which candidates a full budget keeps, so it must not depend on when the store is read.
  const changedIds = new Set(changed.map((story) => story.id));
  const index = new TermIndex();
  for (const story of others) if (!changedIds.has(story.id)) index.add(story.id, story.terms);
  for (const story of changed) index.add(story.id, story.words.keys());
  const candidates = new Map(changed.map((story) => [story.id, [...index.candidates(story.words.keys(), candidateBudget)].filter((id) => id !== story.id)]));
  const byId = await profiles([...new Set([...candidates.values()].flat())].filter((id) => !changedIds.has(id)));
  for (const story of changed) byId.set(story.id, story);
  const centroids = new Map([...byId.values()].map((story) => [story.id, normalized(story.sum)]));

  const lists = new Map<string, RelatedEntry[]>();
  const entering = new Map<string, RelatedEntry[]>();
  for (const story of changed) {
    const scored: RelatedEntry[] = [];
    const centroid = centroids.get(story.id)!;
    for (const otherId of candidates.get(story.id)!) {
      const other = byId.get(otherId);
      if (!other) continue;
      const weight = (story.wordWeight + other.wordWeight) / 2;
      const cosine = aboveBackground(dot(centroid, centroids.get(otherId)!), background);
      const similarity = (1 - weight) * cosine + weight * sparseDot(story.words, other.words);
      if (similarity < minimum) continue;
      scored.push({ id: otherId, similarity });
      if (!changedIds.has(otherId)) {
        const newcomers = entering.get(otherId);
        if (newcomers) newcomers.push({ id: story.id, similarity });
        else entering.set(otherId, [{ id: story.id, similarity }]);
      }
    }
    lists.set(story.id, best(scored));
  }

  const listable = new Set([...others.map((story) => story.id), ...changedIds]);
  const stored = await current([...entering.keys()]);
  for (const [storyId, newcomers] of entering) {
    const before = (stored.get(storyId) ?? []).filter((entry) => listable.has(entry.id) && !changedIds.has(entry.id));
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
