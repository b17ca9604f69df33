// Story profiles (migration 4): the sum of a story's member vectors and its words, kept per story and model, so a
// run compares new articles and changed stories with thousands of stories by reading one row each, instead of
// every member's vector and text.
import type { Store } from './store.ts';
import { statement } from './statements.ts';
import { floatsOf } from './embeddings.ts';

export interface StoryProfile {
  id: string;
  /** Sum of the members' vectors: its direction is the centroid. */
  sum: Float32Array;
  /** How many articles the sum holds. */
  size: number;
  /** Unit-length TF-IDF vector of the members' words. */
  words: Map<string, number>;
  /** The words' share in the blend for this story. */
  wordWeight: number;
}

export function saveStoryProfiles(store: Store, modelId: string, profiles: Iterable<StoryProfile>): void {
  const upsert = statement(store, `INSERT OR REPLACE INTO story_profiles (story_id, model_id, vector_sum, size, terms, term_list, word_weight)
                                   VALUES (?, ?, ?, ?, ?, ?, ?)`);
  store.transaction(() => {
    for (const { id, sum, size, words, wordWeight } of profiles) {
      const blob = new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength);
      upsert.run(id, modelId, blob, size, JSON.stringify(Object.fromEntries(words)), [...words.keys()].join(' '), wordWeight);
    }
  });
}

export function storyProfiles(store: Store, modelId: string, storyIds: readonly string[]): Map<string, StoryProfile> {
  const rows = statement(store, `SELECT story_id, vector_sum, size, terms, word_weight FROM story_profiles
                                 WHERE model_id = ? AND story_id IN (SELECT value FROM json_each(?))`)
    .all(modelId, JSON.stringify(storyIds)) as { story_id: string; vector_sum: Uint8Array; size: number; terms: string; word_weight: number }[];
  return new Map(rows.map((row) => [row.story_id, {
    id: row.story_id,
    sum: floatsOf(row.vector_sum),
    size: row.size,
    words: new Map(Object.entries(JSON.parse(row.terms) as Record<string, number>)),
    wordWeight: row.word_weight,
  }]));
}

/** The terms of each live story last published at `since` or later that has a profile: enough to find candidates. */
export function storyTermListsSince(store: Store, modelId: string, since: string): { id: string; terms: string[] }[] {
  const rows = statement(store, `SELECT story_id, term_list FROM story_profiles WHERE model_id = ?
                                 AND story_id IN (SELECT id FROM stories WHERE merged_into IS NULL AND last_published_at >= ?)`)
    .all(modelId, since) as { story_id: string; term_list: string }[];
  return rows.map((row) => ({ id: row.story_id, terms: row.term_list ? row.term_list.split(' ') : [] }));
}

/** Live stories last published at `since` or later that have no profile for the model (a store from before profiles). */
export function storiesWithoutProfile(store: Store, modelId: string, since: string): string[] {
  return (statement(store, `SELECT id FROM stories s WHERE merged_into IS NULL AND last_published_at >= ?
                            AND NOT EXISTS (SELECT 1 FROM story_profiles p WHERE p.story_id = s.id AND p.model_id = ?)`)
    .all(since, modelId) as { id: string }[]).map((row) => row.id);
}
