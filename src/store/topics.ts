// The topics tables: persistent topics (slug and label stay put) and which stories each holds.
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';

export interface TopicRecord {
  id: number;
  slug: string;
  label: string;
  description: string;
  keywords: string[];
  origin: 'seed' | 'discovered';
}

export function ensureTopic(store: Store, topic: Omit<TopicRecord, 'id'>, now: string): number {
  const row = store.db
    .prepare(`INSERT INTO topics (slug, label, description, keywords, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT(slug) DO UPDATE SET description = excluded.description, keywords = excluded.keywords
              RETURNING id`)
    .get(topic.slug, topic.label, topic.description, toJson(topic.keywords), topic.origin, now) as { id: number };
  return row.id;
}

export function listTopics(store: Store): TopicRecord[] {
  const rows = store.db.prepare('SELECT * FROM topics ORDER BY label').all() as {
    id: number; slug: string; label: string; description: string; keywords: string; origin: string;
  }[];
  return rows.map((row) => ({
    id: row.id, slug: row.slug, label: row.label, description: row.description,
    keywords: fromJson<string[]>(row.keywords, []), origin: row.origin === 'seed' ? 'seed' : 'discovered',
  }));
}

/** Sets a story's topics; a topic keeps the time it first got the story, so topic feeds never re-send old items. */
export function setStoryTopics(store: Store, storyId: string, topics: readonly { topicId: number; weight: number }[], now: string): void {
  const keep = toJson(topics.map((topic) => topic.topicId));
  store.db.prepare('DELETE FROM topic_stories WHERE story_id = ? AND topic_id NOT IN (SELECT value FROM json_each(?))').run(storyId, keep);
  const upsert = store.db.prepare(
    `INSERT INTO topic_stories (topic_id, story_id, weight, added_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(topic_id, story_id) DO UPDATE SET weight = excluded.weight`,
  );
  for (const topic of topics) upsert.run(topic.topicId, storyId, topic.weight, now);
}
