// Story profiles (migration 4): the sum of a story's member vectors and its words, kept per story and model, so a
// run compares new articles and changed stories with thousands of stories by reading one row each, instead of
// every member's vector and text.
import type { StoryProfile } from '../model/story.ts';
export type { StoryProfile } from '../model/story.ts';
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';
import { floatsOf } from './embeddings.ts';

/** Saves (replaces) the profiles of stories for a model; one transaction. */
export async function saveStoryProfiles(store: Store, modelId: string, profiles: Iterable<StoryProfile>): Promise<void> {
  const q = sqlOf(store);
  await store.transaction(async () => {
    for (const { id, sum, size, words, wordWeight } of profiles) {
      const blob = new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength);
      await q.run(`INSERT INTO story_profiles (story_id, model_id, vector_sum, size, terms, term_list, word_weight)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (story_id, model_id) DO UPDATE SET vector_sum = excluded.vector_sum, size = excluded.size,
                     terms = excluded.terms, term_list = excluded.term_list, word_weight = excluded.word_weight`,
        [id, modelId, blob, size, JSON.stringify(Object.fromEntries(words)), [...words.keys()].join(' '), wordWeight]);
    }
  });
}

/** The profiles the given stories have for the model; stories without one are absent. */
export async function storyProfiles(store: Store, modelId: string, storyIds: readonly string[]): Promise<Map<string, StoryProfile>> {
  const rows = await sqlOf(store).all<{ story_id: string; vector_sum: Uint8Array; size: number; terms: string; word_weight: number }>(
    `SELECT story_id, vector_sum, size, terms, word_weight FROM story_profiles
     WHERE model_id = ? AND story_id IN (SELECT value FROM json_each(?))`, [modelId, storyIds]);
  return new Map(rows.map((row) => [row.story_id, {
    id: row.story_id,
    sum: floatsOf(row.vector_sum),
    size: row.size,
    words: new Map(Object.entries(JSON.parse(row.terms) as Record<string, number>)),
    wordWeight: row.word_weight,
  }]));
}

/** The terms of each live story last published at `since` or later that has a profile: enough to find candidates. */
export async function storyTermListsSince(store: Store, modelId: string, since: string): Promise<{ id: string; terms: string[] }[]> {
  const rows = await sqlOf(store).all<{ story_id: string; term_list: string }>(
    `SELECT story_id, term_list FROM story_profiles WHERE model_id = ?
     AND story_id IN (SELECT id FROM stories WHERE merged_into IS NULL AND last_published_at >= ?)`, [modelId, since]);
  return rows.map((row) => ({ id: row.story_id, terms: row.term_list ? row.term_list.split(' ') : [] }));
}

/** Live stories last published at `since` or later that have no profile for the model (a store from before profiles). */
export async function storiesWithoutProfile(store: Store, modelId: string, since: string): Promise<string[]> {
  return (await sqlOf(store).all<{ id: string }>(`SELECT id FROM stories s WHERE merged_into IS NULL AND last_published_at >= ?
                            AND NOT EXISTS (SELECT 1 FROM story_profiles p WHERE p.story_id = s.id AND p.model_id = ?)`, [since, modelId]))
    .map((row) => row.id);
}
