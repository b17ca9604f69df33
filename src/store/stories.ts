// The stories tables: which articles make each story, its lead, title and score, and its related stories.
import type { StoryRecord, StoryMember } from '../model/story.ts';
export type { StoryRecord, StoryMember } from '../model/story.ts';
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';
import { articleColumns, toArticle } from './articles.ts';
import type { Article } from './articles.ts';

export interface StoryMembership {
  storyId: string;
  articleIds: number[];
}

/**
 * Records that the articles belong to the stories, creating story rows for ids not seen before (in the order the
 * memberships first name them). One transaction. Each article appears at most once in `memberships`.
 */
export async function saveMemberships(store: Store, memberships: readonly { articleId: number; storyId: string }[], now: string): Promise<void> {
  const q = sqlOf(store);
  const storyIds = [...new Set(memberships.map((membership) => membership.storyId))];
  await store.transaction(async () => {
    // Many rows per statement: a first import writes 50,000 memberships, and one statement each cost more in calls
    // than in SQLite. Both engines take multi-row VALUES; a chunk keeps the statement under their parameter limits.
    for (const chunk of chunks(storyIds, rowsPerStatement)) {
      await q.run(`INSERT INTO stories (id, title, first_published_at, last_published_at, created_at, updated_at)
                   VALUES ${chunk.map(() => "(?, '', '', '', ?, ?)").join(', ')} ON CONFLICT DO NOTHING`, chunk.flatMap((id) => [id, now, now]));
    }
    for (const chunk of chunks(memberships, rowsPerStatement)) {
      await q.run(`INSERT INTO story_articles (article_id, story_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}
                   ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id`, chunk.flatMap(({ articleId, storyId }) => [articleId, storyId]));
    }
  });
}

/** Rows per multi-row statement: 500 rows of at most 8 parameters stay far below SQLite's 32,766 and PostgreSQL's 65,535. */
const rowsPerStatement = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** The articles of each given story, oldest first. */
export async function storiesArticles(store: Store, storyIds: readonly string[]): Promise<Map<string, Article[]>> {
  const rows = await sqlOf(store).all<Parameters<typeof toArticle>[0] & { story_id: string }>(
    `SELECT ${articleColumns}, sa.story_id FROM articles a JOIN feeds f ON f.id = a.feed_id
     JOIN story_articles sa ON sa.article_id = a.id
     WHERE sa.story_id IN (SELECT value FROM json_each(?)) ORDER BY a.published_at, a.id`, [storyIds]);
  const stories = new Map<string, Article[]>();
  for (const row of rows) {
    const list = stories.get(row.story_id);
    if (list) list.push(toArticle(row));
    else stories.set(row.story_id, [toArticle(row)]);
  }
  return stories;
}

/** Writes one story's lead, title, score, dates and counts (updateStories for one). */
export async function updateStory(store: Store, story: StoryRecord, now: string): Promise<void> {
  await updateStories(store, [story], now);
}

/**
 * Writes each story's lead, title, score, dates and counts, and `now` as its updated_at; ids without a row are skipped.
 * Many rows per statement, as saveMemberships: a first import refreshes 13,000 stories, and one UPDATE each cost
 * 0.6 s of calls (bench/cluster, 50k). The rows come as a VALUES list named by a WITH clause, the multi-row UPDATE
 * that SQLite (3.33+) and PostgreSQL share; the casts give PostgreSQL the numeric columns' types (a bare parameter in
 * VALUES is text there), spelled BIGINT and DOUBLE PRECISION as postgresDdl makes those columns: PostgreSQL's INTEGER
 * and REAL are 4 bytes, which rounded every score to float4 (0.1 became 0.10000000149011612), failed the run on a
 * months-old story's score (below float4's 1e-45) and would fail on a lead id past 2^31. SQLite reads both names
 * as its INTEGER and REAL. Each id at most once in `stories`: a repeated id gets either record's values, not the last.
 */
export async function updateStories(store: Store, stories: readonly StoryRecord[], now: string): Promise<void> {
  const q = sqlOf(store);
  for (const chunk of chunks(stories, rowsPerStatement)) {
    await q.run(`WITH v (id, title, lead_article_id, score, first_published_at, last_published_at, article_count, source_count) AS (
                   VALUES ${chunk.map(() => '(?, ?, CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION), ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))').join(', ')})
                 UPDATE stories SET title = v.title, lead_article_id = v.lead_article_id, score = v.score,
                   first_published_at = v.first_published_at, last_published_at = v.last_published_at,
                   article_count = v.article_count, source_count = v.source_count, updated_at = ?
                 FROM v WHERE stories.id = v.id`,
    [...chunk.flatMap((story) => [story.id, story.title, story.leadArticleId, story.score, story.firstPublishedAt, story.lastPublishedAt,
      story.articleCount, story.sourceCount]), now]);
  }
}

/**
 * Live stories whose article count disagrees with their members: what a cluster run of an older Wirefold, which saved
 * memberships in a transaction of their own, left when it was killed after them (new stories counted empty, grown or
 * merged-into ones counted as before). A run now saves memberships and counts together, so no other path leads here.
 */
export async function unrefreshedStoryIds(store: Store): Promise<string[]> {
  return (await sqlOf(store).all<{ id: string }>(`SELECT s.id FROM stories s
                            JOIN (SELECT story_id, count(*) AS members FROM story_articles GROUP BY story_id) m ON m.story_id = s.id
                            WHERE s.merged_into IS NULL AND s.article_count <> m.members ORDER BY s.id`))
    .map((row) => row.id);
}

export async function liveStoryIds(store: Store, since = ''): Promise<string[]> {
  return (await sqlOf(store).all<{ id: string }>('SELECT id FROM stories WHERE merged_into IS NULL AND last_published_at >= ? ORDER BY id', [since]))
    .map((row) => row.id);
}

export async function liveStoryCount(store: Store): Promise<number> {
  return (await sqlOf(store).get<{ n: number }>('SELECT count(*) AS n FROM stories WHERE merged_into IS NULL'))!.n;
}

export async function replaceRelated(store: Store, storyId: string, related: readonly { id: string; similarity: number }[]): Promise<void> {
  const q = sqlOf(store);
  await q.run('DELETE FROM related_stories WHERE story_id = ?', [storyId]);
  for (const [rank, entry] of related.entries()) {
    await q.run('INSERT INTO related_stories (story_id, related_id, rank, similarity) VALUES (?, ?, ?, ?)', [storyId, entry.id, rank + 1, entry.similarity]);
  }
}

/**
 * Every article of the live stories last published at `since` or later, oldest first: one query, so a run loads the
 * stories it compares against without a round trip per story.
 */
export async function liveStoryMembers(store: Store, since: string): Promise<StoryMember[]> {
  return membersOf(await sqlOf(store).all<MemberRow>(
    `SELECT sa.story_id, ${memberColumns} FROM stories s
     JOIN story_articles sa ON sa.story_id = s.id JOIN articles a ON a.id = sa.article_id
     WHERE s.merged_into IS NULL AND s.last_published_at >= ? ORDER BY a.published_at, a.id`, [since]));
}

/** Every article of the given stories, oldest first (as liveStoryMembers, for a few stories named by id). */
export async function storyMembers(store: Store, storyIds: readonly string[]): Promise<StoryMember[]> {
  return membersOf(await sqlOf(store).all<MemberRow>(
    `SELECT sa.story_id, ${memberColumns} FROM story_articles sa
     JOIN articles a ON a.id = sa.article_id WHERE sa.story_id IN (SELECT value FROM json_each(?))
     ORDER BY a.published_at, a.id`, [storyIds]));
}

/**
 * The newest `limit` articles by publication time, as members of no story (storyId ''): a background of the current
 * stream against which a few stories' words can be weighted (profilesFromMembers).
 */
export async function recentArticleTexts(store: Store, limit: number): Promise<StoryMember[]> {
  return membersOf(await sqlOf(store).all<MemberRow>(
    `SELECT '' AS story_id, ${memberColumns} FROM articles a
     ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, [limit]));
}

/** An article's columns as a StoryMember reads them (membersOf), beside its story_id. */
const memberColumns = 'a.id, a.feed_id, a.content_hash, a.title, a.summary, a.published_at';

interface MemberRow { story_id: string; id: number; feed_id: number; content_hash: string; title: string; summary: string; published_at: string }

function membersOf(rows: readonly MemberRow[]): StoryMember[] {
  return rows.map((row) => ({
    storyId: row.story_id, articleId: row.id, feedId: row.feed_id, contentHash: row.content_hash,
    title: row.title, summary: row.summary, publishedAt: row.published_at,
  }));
}

/** The current related lists of the given stories. */
export async function relatedOf(store: Store, storyIds: readonly string[]): Promise<Map<string, { id: string; similarity: number }[]>> {
  const rows = await sqlOf(store).all<{ story_id: string; related_id: string; similarity: number }>(
    `SELECT story_id, related_id, similarity FROM related_stories
     WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, rank`, [storyIds]);
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
export async function mergeStories(store: Store, from: string, into: string): Promise<void> {
  const q = sqlOf(store);
  await store.transaction(async () => {
    await q.run('UPDATE story_articles SET story_id = ? WHERE story_id = ?', [into, from]);
    await q.run('UPDATE stories SET merged_into = ? WHERE merged_into = ? OR id = ?', [into, from, from]);
    await q.run(`INSERT INTO topic_stories (topic_id, story_id, weight, added_at)
                 SELECT topic_id, CAST(? AS TEXT), weight, added_at FROM topic_stories WHERE story_id = ?
                 ON CONFLICT (topic_id, story_id) DO UPDATE SET added_at = CASE WHEN excluded.added_at < topic_stories.added_at
                   THEN excluded.added_at ELSE topic_stories.added_at END`, [into, from]);
    await q.run('DELETE FROM topic_stories WHERE story_id = ?', [from]);
    await q.run('DELETE FROM related_stories WHERE story_id = ? OR related_id = ?', [from, from]);
    await q.run('DELETE FROM story_profiles WHERE story_id = ?', [from]);
  });
}

/** The story of every article, keyed by the guid its feed gave it (for evaluation against labelled sets). */
export async function storiesByGuid(store: Store): Promise<Map<string, string>> {
  const rows = await sqlOf(store).all<{ guid: string; story_id: string }>(
    'SELECT s.guid, sa.story_id FROM article_sources s JOIN story_articles sa ON sa.article_id = s.article_id');
  return new Map(rows.map((row) => [row.guid, row.story_id]));
}

/** One article as a labelled-set evaluation explains it: found by the guid its feed gave it. */
export interface GuidArticle {
  guid: string;
  title: string;
  summary: string;
  hash: string;
  published: string;
  feedId: number;
  /** The feed's title (null while it has none). */
  source: string;
}

/** Every (guid, article) pair with the article's words and outlet (for evaluation against labelled sets). */
export async function articlesWithGuids(store: Store): Promise<GuidArticle[]> {
  return sqlOf(store).all<GuidArticle>(
    `SELECT s.guid, a.title, a.summary, a.content_hash AS hash, a.published_at AS published, a.feed_id AS "feedId", f.title AS source
     FROM article_sources s JOIN articles a ON a.id = s.article_id JOIN feeds f ON f.id = a.feed_id`);
}
