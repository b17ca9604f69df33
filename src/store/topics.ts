// The topics tables: persistent topics (slug and label stay put), which stories each holds, each topic's profile for
// comparing new stories with its members, and the document frequencies of words that topic term vectors weigh by.
import type { TopicOrigin, TopicRecord, StoryText, StoredTopicProfile } from '../model/topic.ts';
export type { TopicOrigin, TopicRecord, StoryText, StoredTopicProfile } from '../model/topic.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { sqlOf } from './connection.ts';

/** Creates a named topic (a seed or a feed category) or refreshes its description and keywords; the label stays. */
export async function ensureTopic(store: Store, topic: Omit<TopicRecord, 'id' | 'labelledStories'>, now: string): Promise<number> {
  const row = await sqlOf(store).get<{ id: number }>(
    `INSERT INTO topics (slug, label, description, keywords, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(slug) DO UPDATE SET description = excluded.description, keywords = excluded.keywords
     RETURNING id`,
    [topic.slug, topic.label, topic.description, toJson(topic.keywords), topic.origin, now]);
  return row!.id;
}

/**
 * Creates a discovered topic under the first free slug of `slug`, `slug-2`, `slug-3`…: a slug once given is never
 * reused, so a topic's URL is its own for good.
 */
export async function createDiscoveredTopic(store: Store, topic: { slug: string; label: string; keywords: string[]; stories: number }, now: string): Promise<TopicRecord> {
  const q = sqlOf(store);
  const taken = new Set((await q.all<{ slug: string }>("SELECT slug FROM topics WHERE slug = ? OR slug LIKE CAST(? AS TEXT) || '-%'", [topic.slug, topic.slug]))
    .map((row) => row.slug));
  let slug = topic.slug;
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${topic.slug}-${suffix}`;
  const row = (await q.get<{ id: number }>(
    `INSERT INTO topics (slug, label, description, keywords, origin, created_at, labelled_stories)
     VALUES (?, ?, '', ?, 'discovered', ?, ?) RETURNING id`,
    [slug, topic.label, toJson(topic.keywords), now, topic.stories]))!;
  return { id: row.id, slug, label: topic.label, description: '', keywords: topic.keywords, origin: 'discovered', labelledStories: topic.stories };
}

/** A discovered topic's label and keywords, redrawn from its members; the slug is left alone. */
export async function relabelTopic(store: Store, topicId: number, label: string, keywords: readonly string[], stories: number): Promise<void> {
  await sqlOf(store).run('UPDATE topics SET label = ?, keywords = ?, labelled_stories = ? WHERE id = ?', [label, toJson(keywords), stories, topicId]);
}

/** Every topic, by label. */
export async function listTopics(store: Store): Promise<TopicRecord[]> {
  const rows = await sqlOf(store).all<{
    id: number; slug: string; label: string; description: string; keywords: string; origin: string; labelled_stories: number;
  }>('SELECT * FROM topics ORDER BY label');
  return rows.map((row) => ({
    id: row.id, slug: row.slug, label: row.label, description: row.description,
    keywords: fromJson<string[]>(row.keywords, []), origin: toOrigin(row.origin), labelledStories: row.labelled_stories,
  }));
}

/** Sets a story's topics; a topic keeps the time it first got the story, so topic feeds never re-send old items. */
export async function setStoryTopics(store: Store, storyId: string, topics: readonly { topicId: number; weight: number }[], now: string): Promise<void> {
  const keep = topics.map((topic) => topic.topicId);
  await sqlOf(store).run('DELETE FROM topic_stories WHERE story_id = ? AND NOT (topic_id IN (SELECT value FROM json_each(?)))', [storyId, keep]);
  await addStoryTopics(store, storyId, topics, now);
}

/**
 * Adds a story to topics without touching the ones it already has. Membership only grows, so a story never leaves a
 * topic feed and comes back as a new item; its added_at is the time it first joined.
 */
export async function addStoryTopics(store: Store, storyId: string, topics: readonly { topicId: number; weight: number }[], now: string): Promise<void> {
  const q = sqlOf(store);
  for (const topic of topics) {
    await q.run(`INSERT INTO topic_stories (topic_id, story_id, weight, added_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT(topic_id, story_id) DO UPDATE SET weight = excluded.weight`, [topic.topicId, storyId, topic.weight, now]);
  }
}

/** The topics each of the given stories already has. */
export async function topicsOfStories(store: Store, storyIds: readonly string[]): Promise<Map<string, Set<number>>> {
  const rows = await sqlOf(store).all<{ story_id: string; topic_id: number }>(
    'SELECT story_id, topic_id FROM topic_stories WHERE story_id IN (SELECT value FROM json_each(?))', [storyIds]);
  const topics = new Map<string, Set<number>>();
  for (const row of rows) {
    const set = topics.get(row.story_id) ?? new Set<number>();
    set.add(row.topic_id);
    topics.set(row.story_id, set);
  }
  return topics;
}

/** Each story's strongest topic (highest weight; the older topic on a tie). */
export async function strongestTopicOfStories(store: Store): Promise<Map<string, number>> {
  const rows = await sqlOf(store).all<{ story_id: string; topic_id: number }>('SELECT story_id, topic_id FROM topic_stories ORDER BY story_id, weight DESC, topic_id');
  const strongest = new Map<string, number>();
  for (const row of rows) if (!strongest.has(row.story_id)) strongest.set(row.story_id, row.topic_id);
  return strongest;
}

/** A topic's stories in the order they joined, with when each joined and how strongly it matched. */
export async function storiesOfTopic(store: Store, topicId: number): Promise<{ storyId: string; addedAt: string; weight: number }[]> {
  return (await sqlOf(store).all<{ story_id: string; added_at: string; weight: number }>(
    'SELECT story_id, added_at, weight FROM topic_stories WHERE topic_id = ? ORDER BY added_at, story_id', [topicId]))
    .map((row) => ({ storyId: row.story_id, addedAt: row.added_at, weight: row.weight }));
}

/** Live stories that belong to no topic yet and were active since `since`, newest first. */
export async function storiesWithoutTopic(store: Store, since: string, limit: number): Promise<string[]> {
  return (await sqlOf(store).all<{ id: string }>(
    `SELECT id FROM stories s WHERE merged_into IS NULL AND last_published_at >= ?
     AND NOT EXISTS (SELECT 1 FROM topic_stories ts WHERE ts.story_id = s.id)
     ORDER BY last_published_at DESC, id LIMIT ?`, [since, limit])).map((row) => row.id);
}

/** The most recently active live stories, for calibrating what two unrelated stories score. */
export async function recentStoryIds(store: Store, limit: number): Promise<string[]> {
  return (await sqlOf(store).all<{ id: string }>('SELECT id FROM stories WHERE merged_into IS NULL ORDER BY last_published_at DESC, id LIMIT ?', [limit]))
    .map((row) => row.id);
}

/** The words of every article of the given stories (and of the given articles), in publication order. */
export async function storyTexts(store: Store, storyIds: readonly string[]): Promise<StoryText[]> {
  const rows = await sqlOf(store).all<{ story_id: string; id: number; title: string; summary: string; categories: string; content_hash: string; feed_id: number }>(
    `SELECT sa.story_id, a.id, a.title, a.summary, a.categories, a.content_hash, a.feed_id FROM story_articles sa
     JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN (SELECT value FROM json_each(?))
     ORDER BY a.published_at, a.id`, [storyIds]);
  return rows.map((row) => ({
    storyId: row.story_id, articleId: row.id, title: row.title, summary: row.summary,
    categories: fromJson<string[]>(row.categories, []), contentHash: row.content_hash, feedId: row.feed_id,
  }));
}

/** The words of the given articles, for counting document frequencies. */
export async function articleTexts(store: Store, articleIds: readonly number[]): Promise<{ id: number; title: string; summary: string }[]> {
  return sqlOf(store).all<{ id: number; title: string; summary: string }>(
    'SELECT id, title, summary FROM articles WHERE id IN (SELECT value FROM json_each(?))', [articleIds]);
}

/** Every topic's profile for the model. */
export async function loadTopicProfiles(store: Store, modelId: string): Promise<StoredTopicProfile[]> {
  const rows = await sqlOf(store).all<{ topic_id: number; vector_sum: Uint8Array; term_sums: string; stories: number }>(
    'SELECT topic_id, vector_sum, term_sums, stories FROM topic_profiles WHERE model_id = ?', [modelId]);
  return rows.map((row) => {
    // Copy into an aligned buffer of its own: a blob may start at any byte offset.
    const bytes = new Uint8Array(row.vector_sum);
    return {
      topicId: row.topic_id,
      vectorSum: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
      termSums: new Map(Object.entries(fromJson<Record<string, number>>(row.term_sums, {}))),
      stories: row.stories,
    };
  });
}

export async function saveTopicProfile(store: Store, modelId: string, profile: StoredTopicProfile): Promise<void> {
  const vector = profile.vectorSum;
  await sqlOf(store).run(`INSERT INTO topic_profiles (topic_id, model_id, vector_sum, term_sums, stories) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT(topic_id, model_id) DO UPDATE SET vector_sum = excluded.vector_sum, term_sums = excluded.term_sums,
              stories = excluded.stories`,
    [profile.topicId, modelId, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
      toJson(Object.fromEntries(profile.termSums)), profile.stories]);
}

/** Counts each document's distinct terms once; documents are lists of terms. One transaction. */
export async function addTermDocuments(store: Store, documents: readonly (readonly string[])[]): Promise<void> {
  const counts = new Map<string, number>([['', documents.length]]);
  for (const terms of documents) for (const term of new Set(terms)) if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
  const q = sqlOf(store);
  await store.transaction(async () => {
    for (const [term, count] of counts) {
      await q.run(`INSERT INTO term_documents (term, documents) VALUES (?, ?)
                   ON CONFLICT(term) DO UPDATE SET documents = term_documents.documents + excluded.documents`, [term, count]);
    }
  });
}

/** How many documents were counted, and how many contain each of the given terms (absent: none). */
export async function termDocumentCounts(store: Store, terms: readonly string[]): Promise<{ documents: number; byTerm: Map<string, number> }> {
  const rows = await sqlOf(store).all<{ term: string; documents: number }>(
    'SELECT term, documents FROM term_documents WHERE term IN (SELECT value FROM json_each(?))', [['', ...new Set(terms)]]);
  const byTerm = new Map(rows.map((row) => [row.term, row.documents]));
  const documents = byTerm.get('') ?? 0;
  byTerm.delete('');
  return { documents, byTerm };
}

function toOrigin(origin: string): TopicOrigin {
  return origin === 'seed' || origin === 'category' ? origin : 'discovered';
}
