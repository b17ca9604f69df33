// The stories tables: which articles make each story, its lead, title and score, and its related stories.
import type { Store } from './store.ts';
import { toJson } from './store.ts';
import { statement } from './statements.ts';
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

/** The articles of each given story, oldest first. */
export function storiesArticles(store: Store, storyIds: readonly string[]): Map<string, Article[]> {
  const rows = store.db
    .prepare(`SELECT ${articleColumns}, sa.story_id FROM articles a JOIN feeds f ON f.id = a.feed_id
              JOIN story_articles sa ON sa.article_id = a.id
              WHERE sa.story_id IN (SELECT value FROM json_each(?)) ORDER BY a.published_at, a.id`)
    .all(toJson(storyIds)) as unknown as (Parameters<typeof toArticle>[0] & { story_id: string })[];
  const stories = new Map<string, Article[]>();
  for (const row of rows) {
    const list = stories.get(row.story_id);
    if (list) list.push(toArticle(row));
    else stories.set(row.story_id, [toArticle(row)]);
  }
  return stories;
}

export function updateStory(store: Store, story: StoryRecord, now: string): void {
  statement(store, `UPDATE stories SET title = ?, lead_article_id = ?, score = ?, first_published_at = ?, last_published_at = ?,
                article_count = ?, source_count = ?, updated_at = ? WHERE id = ?`)
    .run(story.title, story.leadArticleId, story.score, story.firstPublishedAt, story.lastPublishedAt,
      story.articleCount, story.sourceCount, now, story.id);
}

/**
 * Live stories whose article count disagrees with their members: what a cluster run of an older Wirefold, which saved
 * memberships in a transaction of their own, left when it was killed after them (new stories counted empty, grown or
 * merged-into ones counted as before). A run now saves memberships and counts together, so no other path leads here.
 */
export function unrefreshedStoryIds(store: Store): string[] {
  return (store.db.prepare(`SELECT s.id FROM stories s
                            JOIN (SELECT story_id, count(*) AS members FROM story_articles GROUP BY story_id) m ON m.story_id = s.id
                            WHERE s.merged_into IS NULL AND s.article_count <> m.members ORDER BY s.id`).all() as { id: string }[])
    .map((row) => row.id);
}

export function liveStoryIds(store: Store, since = ''): string[] {
  return (store.db.prepare('SELECT id FROM stories WHERE merged_into IS NULL AND last_published_at >= ? ORDER BY id').all(since) as { id: string }[])
    .map((row) => row.id);
}

export function liveStoryCount(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM stories WHERE merged_into IS NULL').get() as { n: number }).n;
}

export function replaceRelated(store: Store, storyId: string, related: readonly { id: string; similarity: number }[]): void {
  statement(store, 'DELETE FROM related_stories WHERE story_id = ?').run(storyId);
  const insert = statement(store, 'INSERT INTO related_stories (story_id, related_id, rank, similarity) VALUES (?, ?, ?, ?)');
  related.forEach((entry, rank) => insert.run(storyId, entry.id, rank + 1, entry.similarity));
}

export interface StoryMember {
  storyId: string;
  articleId: number;
  feedId: number;
  contentHash: string;
  title: string;
  summary: string;
  publishedAt: string;
}

/**
 * Every article of the live stories last published at `since` or later, oldest first: one query, so a run loads the
 * stories it compares against without a round trip per story.
 */
export function liveStoryMembers(store: Store, since: string): StoryMember[] {
  const rows = store.db
    .prepare(`SELECT sa.story_id, a.id, a.feed_id, a.content_hash, a.title, a.summary, a.published_at FROM stories s
              JOIN story_articles sa ON sa.story_id = s.id JOIN articles a ON a.id = sa.article_id
              WHERE s.merged_into IS NULL AND s.last_published_at >= ? ORDER BY a.published_at, a.id`)
    .all(since) as { story_id: string; id: number; feed_id: number; content_hash: string; title: string; summary: string; published_at: string }[];
  return rows.map((row) => ({
    storyId: row.story_id, articleId: row.id, feedId: row.feed_id, contentHash: row.content_hash,
    title: row.title, summary: row.summary, publishedAt: row.published_at,
  }));
}

/** The current related lists of the given stories. */
export function relatedOf(store: Store, storyIds: readonly string[]): Map<string, { id: string; similarity: number }[]> {
  const rows = store.db
    .prepare(`SELECT story_id, related_id, similarity FROM related_stories
              WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, rank`)
    .all(toJson(storyIds)) as { story_id: string; related_id: string; similarity: number }[];
  const lists = new Map<string, { id: string; similarity: number }[]>();
  for (const row of rows) {
    const list = lists.get(row.story_id);
    if (list) list.push({ id: row.related_id, similarity: row.similarity });
    else lists.set(row.story_id, [{ id: row.related_id, similarity: row.similarity }]);
  }
  return lists;
}

/**
 * Folds story `from` into story `into`: its articles, topics and place in related lists move to the survivor, and
 * `from` keeps its row with merged_into set, so its URL can lead to the survivor (as can older stories merged into
 * it). Topic memberships keep the survivor's earlier added_at, so topic feeds do not send the story again.
 */
export function mergeStories(store: Store, from: string, into: string): void {
  const run = (sql: string, ...values: string[]) => statement(store, sql).run(...values);
  store.transaction(() => {
    run('UPDATE story_articles SET story_id = ? WHERE story_id = ?', into, from);
    run('UPDATE stories SET merged_into = ? WHERE merged_into = ? OR id = ?', into, from, from);
    run(`INSERT INTO topic_stories (topic_id, story_id, weight, added_at)
         SELECT topic_id, ?, weight, added_at FROM topic_stories WHERE story_id = ?
         ON CONFLICT (topic_id, story_id) DO UPDATE SET added_at = min(added_at, excluded.added_at)`, into, from);
    run('DELETE FROM topic_stories WHERE story_id = ?', from);
    run('DELETE FROM related_stories WHERE story_id = ? OR related_id = ?', from, from);
    run('DELETE FROM story_profiles WHERE story_id = ?', from);
  });
}

/** The story of every article, keyed by the guid its feed gave it (for evaluation against labelled sets). */
export function storiesByGuid(store: Store): Map<string, string> {
  const rows = store.db
    .prepare('SELECT s.guid, sa.story_id FROM article_sources s JOIN story_articles sa ON sa.article_id = s.article_id')
    .all() as { guid: string; story_id: string }[];
  return new Map(rows.map((row) => [row.guid, row.story_id]));
}
