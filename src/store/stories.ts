// The stories tables: which articles make each story, its lead, title and score, and its related stories.
import type { Store } from './store.ts';
import { toJson } from './store.ts';
import { articleColumns, toArticle } from './articles.ts';
import type { Article } from './articles.ts';

export interface StoryRecord {
  id: string;
  title: string;
  leadArticleId: number | null;
  score: number;
  firstPublishedAt: string;
  lastPublishedAt: string;
  articleCount: number;
  sourceCount: number;
}

export interface StoryMembership {
  storyId: string;
  articleIds: number[];
}

/** Stories that can still take articles: their latest article is no older than `since`. */
export function activeStoryMembers(store: Store, since: string): StoryMembership[] {
  const rows = store.db
    .prepare(`SELECT s.id, json_group_array(sa.article_id) AS ids FROM stories s
              JOIN story_articles sa ON sa.story_id = s.id
              WHERE s.merged_into IS NULL AND s.last_published_at >= ? GROUP BY s.id`)
    .all(since) as { id: string; ids: string }[];
  return rows.map((row) => ({ storyId: row.id, articleIds: JSON.parse(row.ids) as number[] }));
}

/** Records that the articles belong to the stories, creating story rows for ids not seen before. */
export function saveMemberships(store: Store, memberships: readonly { articleId: number; storyId: string }[], now: string): void {
  const createStory = store.db.prepare(
    `INSERT OR IGNORE INTO stories (id, title, first_published_at, last_published_at, created_at, updated_at)
     VALUES (?, '', '', '', ?, ?)`,
  );
  const join = store.db.prepare('INSERT OR REPLACE INTO story_articles (article_id, story_id) VALUES (?, ?)');
  store.transaction(() => {
    for (const { articleId, storyId } of memberships) {
      createStory.run(storyId, now, now);
      join.run(articleId, storyId);
    }
  });
}

export function storyArticles(store: Store, storyId: string): Article[] {
  const rows = store.db
    .prepare(`SELECT ${articleColumns} FROM articles a JOIN feeds f ON f.id = a.feed_id
              JOIN story_articles sa ON sa.article_id = a.id WHERE sa.story_id = ? ORDER BY a.published_at, a.id`)
    .all(storyId);
  return (rows as unknown as Parameters<typeof toArticle>[0][]).map(toArticle);
}

export function updateStory(store: Store, story: StoryRecord, now: string): void {
  store.db
    .prepare(`UPDATE stories SET title = ?, lead_article_id = ?, score = ?, first_published_at = ?, last_published_at = ?,
                article_count = ?, source_count = ?, updated_at = ? WHERE id = ?`)
    .run(story.title, story.leadArticleId, story.score, story.firstPublishedAt, story.lastPublishedAt,
      story.articleCount, story.sourceCount, now, story.id);
}

export function liveStoryIds(store: Store, since = ''): string[] {
  return (store.db.prepare('SELECT id FROM stories WHERE merged_into IS NULL AND last_published_at >= ? ORDER BY id').all(since) as { id: string }[])
    .map((row) => row.id);
}

export function replaceRelated(store: Store, storyId: string, related: readonly { id: string; similarity: number }[]): void {
  store.db.prepare('DELETE FROM related_stories WHERE story_id = ?').run(storyId);
  const insert = store.db.prepare('INSERT INTO related_stories (story_id, related_id, rank, similarity) VALUES (?, ?, ?, ?)');
  related.forEach((entry, rank) => insert.run(storyId, entry.id, rank + 1, entry.similarity));
}

/** Article ids per story, for the stories given. */
export function membersOf(store: Store, storyIds: readonly string[]): Map<string, number[]> {
  const rows = store.db
    .prepare(`SELECT story_id, json_group_array(article_id) AS ids FROM story_articles
              WHERE story_id IN (SELECT value FROM json_each(?)) GROUP BY story_id`)
    .all(toJson(storyIds)) as { story_id: string; ids: string }[];
  return new Map(rows.map((row) => [row.story_id, JSON.parse(row.ids) as number[]]));
}
