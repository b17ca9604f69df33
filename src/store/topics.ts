// The topics tables: persistent topics (slug and label stay put), which stories each holds, each topic's profile for
// comparing new stories with its members, and the document frequencies of words that topic term vectors weigh by.
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { statement } from './statements.ts';

export type TopicOrigin = 'seed' | 'category' | 'discovered';

export interface TopicRecord {
  id: number;
  slug: string;
  label: string;
  description: string;
  keywords: string[];
  origin: TopicOrigin;
  /** How many stories the label was drawn from (discovered topics); 0 for named ones. */
  labelledStories: number;
}

/** Creates a named topic (a seed or a feed category) or refreshes its description and keywords; the label stays. */
export function ensureTopic(store: Store, topic: Omit<TopicRecord, 'id' | 'labelledStories'>, now: string): number {
  const row = store.db
    .prepare(`INSERT INTO topics (slug, label, description, keywords, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT(slug) DO UPDATE SET description = excluded.description, keywords = excluded.keywords
              RETURNING id`)
    .get(topic.slug, topic.label, topic.description, toJson(topic.keywords), topic.origin, now) as { id: number };
  return row.id;
}

/**
 * Creates a discovered topic under the first free slug of `slug`, `slug-2`, `slug-3`…: a slug once given is never
 * reused, so a topic's URL is its own for good.
 */
export function createDiscoveredTopic(store: Store, topic: { slug: string; label: string; keywords: string[]; stories: number }, now: string): TopicRecord {
  const taken = new Set((store.db.prepare("SELECT slug FROM topics WHERE slug = ? OR slug LIKE ? || '-%'").all(topic.slug, topic.slug) as { slug: string }[])
    .map((row) => row.slug));
  let slug = topic.slug;
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${topic.slug}-${suffix}`;
  const row = store.db
    .prepare(`INSERT INTO topics (slug, label, description, keywords, origin, created_at, labelled_stories)
              VALUES (?, ?, '', ?, 'discovered', ?, ?) RETURNING id`)
    .get(slug, topic.label, toJson(topic.keywords), now, topic.stories) as { id: number };
  return { id: row.id, slug, label: topic.label, description: '', keywords: topic.keywords, origin: 'discovered', labelledStories: topic.stories };
}

/** A discovered topic's label and keywords, redrawn from its members; the slug is left alone. */
export function relabelTopic(store: Store, topicId: number, label: string, keywords: readonly string[], stories: number): void {
  store.db.prepare('UPDATE topics SET label = ?, keywords = ?, labelled_stories = ? WHERE id = ?').run(label, toJson(keywords), stories, topicId);
}

export function listTopics(store: Store): TopicRecord[] {
  const rows = store.db.prepare('SELECT * FROM topics ORDER BY label').all() as {
    id: number; slug: string; label: string; description: string; keywords: string; origin: string; labelled_stories: number;
  }[];
  return rows.map((row) => ({
    id: row.id, slug: row.slug, label: row.label, description: row.description,
    keywords: fromJson<string[]>(row.keywords, []), origin: toOrigin(row.origin), labelledStories: row.labelled_stories,
  }));
}

/** Sets a story's topics; a topic keeps the time it first got the story, so topic feeds never re-send old items. */
export function setStoryTopics(store: Store, storyId: string, topics: readonly { topicId: number; weight: number }[], now: string): void {
  const keep = toJson(topics.map((topic) => topic.topicId));
  store.db.prepare('DELETE FROM topic_stories WHERE story_id = ? AND topic_id NOT IN (SELECT value FROM json_each(?))').run(storyId, keep);
  addStoryTopics(store, storyId, topics, now);
}

/**
 * Adds a story to topics without touching the ones it already has. Membership only grows, so a story never leaves a
 * topic feed and comes back as a new item; its added_at is the time it first joined.
 */
export function addStoryTopics(store: Store, storyId: string, topics: readonly { topicId: number; weight: number }[], now: string): void {
  const upsert = statement(store,
    `INSERT INTO topic_stories (topic_id, story_id, weight, added_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(topic_id, story_id) DO UPDATE SET weight = excluded.weight`,
  );
  for (const topic of topics) upsert.run(topic.topicId, storyId, topic.weight, now);
}

/** The topics each of the given stories already has. */
export function topicsOfStories(store: Store, storyIds: readonly string[]): Map<string, Set<number>> {
  const rows = store.db
    .prepare('SELECT story_id, topic_id FROM topic_stories WHERE story_id IN (SELECT value FROM json_each(?))')
    .all(toJson(storyIds)) as { story_id: string; topic_id: number }[];
  const topics = new Map<string, Set<number>>();
  for (const row of rows) {
    const set = topics.get(row.story_id) ?? new Set<number>();
    set.add(row.topic_id);
    topics.set(row.story_id, set);
  }
  return topics;
}

/** Each story's strongest topic (highest weight; the older topic on a tie). */
export function strongestTopicOfStories(store: Store): Map<string, number> {
  const rows = store.db
    .prepare('SELECT story_id, topic_id FROM topic_stories ORDER BY story_id, weight DESC, topic_id')
    .all() as { story_id: string; topic_id: number }[];
  const strongest = new Map<string, number>();
  for (const row of rows) if (!strongest.has(row.story_id)) strongest.set(row.story_id, row.topic_id);
  return strongest;
}

/** A topic's stories in the order they joined, with when each joined and how strongly it matched. */
export function storiesOfTopic(store: Store, topicId: number): { storyId: string; addedAt: string; weight: number }[] {
  return (store.db.prepare('SELECT story_id, added_at, weight FROM topic_stories WHERE topic_id = ? ORDER BY added_at, story_id')
    .all(topicId) as { story_id: string; added_at: string; weight: number }[])
    .map((row) => ({ storyId: row.story_id, addedAt: row.added_at, weight: row.weight }));
}

/** Live stories that belong to no topic yet and were active since `since`, newest first. */
export function storiesWithoutTopic(store: Store, since: string, limit: number): string[] {
  return (store.db
    .prepare(`SELECT id FROM stories s WHERE merged_into IS NULL AND last_published_at >= ?
              AND NOT EXISTS (SELECT 1 FROM topic_stories ts WHERE ts.story_id = s.id)
              ORDER BY last_published_at DESC, id LIMIT ?`)
    .all(since, limit) as { id: string }[]).map((row) => row.id);
}

/** The most recently active live stories, for calibrating what two unrelated stories score. */
export function recentStoryIds(store: Store, limit: number): string[] {
  return (store.db.prepare('SELECT id FROM stories WHERE merged_into IS NULL ORDER BY last_published_at DESC, id LIMIT ?').all(limit) as { id: string }[])
    .map((row) => row.id);
}

export interface StoryText {
  storyId: string;
  articleId: number;
  title: string;
  summary: string;
  categories: string[];
  contentHash: string;
  feedId: number;
}

/** The words of every article of the given stories (and of the given articles), in publication order. */
export function storyTexts(store: Store, storyIds: readonly string[]): StoryText[] {
  const rows = store.db
    .prepare(`SELECT sa.story_id, a.id, a.title, a.summary, a.categories, a.content_hash, a.feed_id FROM story_articles sa
              JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN (SELECT value FROM json_each(?))
              ORDER BY a.published_at, a.id`)
    .all(toJson(storyIds)) as { story_id: string; id: number; title: string; summary: string; categories: string; content_hash: string; feed_id: number }[];
  return rows.map((row) => ({
    storyId: row.story_id, articleId: row.id, title: row.title, summary: row.summary,
    categories: fromJson<string[]>(row.categories, []), contentHash: row.content_hash, feedId: row.feed_id,
  }));
}

/** The words of the given articles, for counting document frequencies. */
export function articleTexts(store: Store, articleIds: readonly number[]): { id: number; title: string; summary: string }[] {
  return store.db
    .prepare('SELECT id, title, summary FROM articles WHERE id IN (SELECT value FROM json_each(?))')
    .all(toJson(articleIds)) as { id: number; title: string; summary: string }[];
}

export interface StoredTopicProfile {
  topicId: number;
  vectorSum: Float32Array;
  termSums: Map<string, number>;
  stories: number;
}

export function loadTopicProfiles(store: Store, modelId: string): StoredTopicProfile[] {
  const rows = store.db.prepare('SELECT topic_id, vector_sum, term_sums, stories FROM topic_profiles WHERE model_id = ?')
    .all(modelId) as { topic_id: number; vector_sum: Uint8Array; term_sums: string; stories: number }[];
  return rows.map((row) => {
    // Copy into an aligned buffer: SQLite's blob may start at any byte offset.
    const bytes = new Uint8Array(row.vector_sum);
    return {
      topicId: row.topic_id,
      vectorSum: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
      termSums: new Map(Object.entries(fromJson<Record<string, number>>(row.term_sums, {}))),
      stories: row.stories,
    };
  });
}

export function saveTopicProfile(store: Store, modelId: string, profile: StoredTopicProfile): void {
  const vector = profile.vectorSum;
  store.db
    .prepare(`INSERT INTO topic_profiles (topic_id, model_id, vector_sum, term_sums, stories) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT(topic_id, model_id) DO UPDATE SET vector_sum = excluded.vector_sum, term_sums = excluded.term_sums,
              stories = excluded.stories`)
    .run(profile.topicId, modelId, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
      toJson(Object.fromEntries(profile.termSums)), profile.stories);
}

/** Counts each document's distinct terms once; documents are lists of terms. */
export function addTermDocuments(store: Store, documents: readonly (readonly string[])[]): void {
  const counts = new Map<string, number>([['', documents.length]]);
  for (const terms of documents) for (const term of new Set(terms)) if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
  const upsert = store.db.prepare(
    'INSERT INTO term_documents (term, documents) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET documents = documents + excluded.documents',
  );
  store.transaction(() => {
    for (const [term, count] of counts) upsert.run(term, count);
  });
}

/** How many documents were counted, and how many contain each of the given terms (absent: none). */
export function termDocumentCounts(store: Store, terms: readonly string[]): { documents: number; byTerm: Map<string, number> } {
  const rows = store.db
    .prepare('SELECT term, documents FROM term_documents WHERE term IN (SELECT value FROM json_each(?))')
    .all(toJson(['', ...new Set(terms)])) as { term: string; documents: number }[];
  const byTerm = new Map(rows.map((row) => [row.term, row.documents]));
  const documents = byTerm.get('') ?? 0;
  byTerm.delete('');
  return { documents, byTerm };
}

function toOrigin(origin: string): TopicOrigin {
  return origin === 'seed' || origin === 'category' ? origin : 'discovered';
}
