// The articles table: one row per distinct article, with every (feed, guid) that carried it.
import { createHash } from 'node:crypto';
import type { FeedItem } from '../ingest/types.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { statement } from './statements.ts';
import { copySketch, isNearCopy } from '../ingest/near-copy.ts';
import type { CopySketch } from '../ingest/near-copy.ts';

export interface Article {
  id: number;
  feedId: number;
  /** The outlet: the title of the feed that first carried the article. */
  source: string;
  canonicalUrl: string | null;
  originalUrl: string | null;
  title: string;
  summary: string;
  contentHtml: string;
  author: string | null;
  image: string | null;
  categories: string[];
  publishedAt: string;
  dateFlag: string | null;
  firstSeenAt: string;
  contentHash: string;
  copyOf: number | null;
}

export interface SaveCounts {
  added: number;
  updated: number;
  unchanged: number;
}

/** Identity of an article's words: when it changes, the article is re-embedded. */
export function contentHash(title: string, summary: string): string {
  return createHash('sha256').update(`${title}\n${summary}`).digest('hex').slice(0, 32);
}

/** Identity of an article's exact wording regardless of case and punctuation (kept for reference; copies are found
 * through near-copy keys, which survive small edits). */
export function textFingerprint(title: string, summary: string): string {
  const words = `${title} ${summary}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return createHash('sha256').update(words.slice(0, 20).join(' ')).digest('hex').slice(0, 24);
}

/** Stores what one feed served: new items become articles, changed ones are updated, known ones cost nothing. */
export function saveFeedItems(store: Store, feedId: number, items: readonly FeedItem[], now: string): SaveCounts {
  const counts: SaveCounts = { added: 0, updated: 0, unchanged: 0 };
  const bySourceGuid = statement(store, 'SELECT article_id FROM article_sources WHERE feed_id = ? AND guid = ?');
  const byUrl = statement(store, 'SELECT id FROM articles WHERE canonical_url = ?');
  // Through the (feed_id, content_hash) index of migration 5: one look-up per item. Reaching the rows through the feed's
  // own sources instead walked every source of the feed for every new item, quadratic in the size of one feed.
  const byHashInFeed = statement(store,
    'SELECT id FROM articles WHERE feed_id = ?1 AND content_hash = ?2 ORDER BY id LIMIT 1');
  const current = statement(store, 'SELECT content_hash, date_flag FROM articles WHERE id = ?');
  const dateNow = statement(store, 'UPDATE articles SET published_at = ?, date_flag = NULL, updated_at = ? WHERE id = ?');
  const addSource = statement(store, 'INSERT OR IGNORE INTO article_sources (feed_id, guid, article_id) VALUES (?, ?, ?)');
  const forgetStoryProfile = statement(store, 'DELETE FROM story_profiles WHERE story_id IN (SELECT story_id FROM story_articles WHERE article_id = ?)');
  const insert = statement(store,
    `INSERT INTO articles (feed_id, canonical_url, original_url, title, summary, content_html, author, image, categories,
       published_at, date_flag, first_seen_at, updated_at, content_hash, text_fingerprint, copy_of)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
  const update = statement(store,
    `UPDATE articles SET title = ?, summary = ?, content_html = ?, author = ?, image = ?, categories = ?,
       published_at = coalesce(?, published_at), updated_at = ?, content_hash = ?, text_fingerprint = ?
     WHERE id = ?`);

  // A link several items of this one fetch share (a home page, a section page) tells none of them apart: matching on
  // it would merge them into one article, rewritten with each one's words in turn on every fetch.
  const urlUses = new Map<string, number>();
  for (const item of items) if (item.url) urlUses.set(item.url, (urlUses.get(item.url) ?? 0) + 1);

  store.transaction(() => {
    for (const item of items) {
      const hash = contentHash(item.title, item.summary);
      const distinctUrl = item.url && urlUses.get(item.url) === 1 ? item.url : null;
      // Within a feed: the guid first, then the canonical URL, then the words themselves.
      const known =
        (bySourceGuid.get(feedId, item.guid) as { article_id: number } | undefined)?.article_id ??
        (distinctUrl ? (byUrl.get(distinctUrl) as { id: number } | undefined)?.id : undefined) ??
        (byHashInFeed.get(feedId, hash) as { id: number } | undefined)?.id;

      if (known !== undefined) {
        addSource.run(feedId, item.guid, known);
        const stored = current.get(known) as { content_hash: string; date_flag: string | null };
        if (stored.content_hash === hash && stored.date_flag === 'undated' && item.dateFlag === null && item.published) {
          // An item kept off the stories for want of a date now carries one of its own: it takes its place in time.
          dateNow.run(item.published, now, known);
          counts.updated++;
        } else if (stored.content_hash === hash) {
          counts.unchanged++;
        } else {
          // New words: a new content hash, which has no embedding yet, so the embed stage picks the article up again.
          update.run(item.title, item.summary, item.contentHtml, item.author, item.image, toJson(item.categories),
            item.published, now, hash, textFingerprint(item.title, item.summary), known);
          saveCopyKeys(store, known, copySketch(item.title, item.summary).keys, true);
          // Its story's profile holds the old words and vector; the next cluster run rebuilds it from the members.
          forgetStoryProfile.run(known);
          counts.updated++;
        }
        continue;
      }

      const sketch = copySketch(item.title, item.summary);
      const original = findOriginal(store, feedId, sketch);
      // canonical_url is unique: of the items sharing one link, the first stored keeps it and the others go without
      // (their original_url still holds the link the feed gave).
      const canonical = item.url && (distinctUrl || !byUrl.get(item.url)) ? item.url : null;
      const row = insert.get(feedId, canonical, item.originalUrl, item.title, item.summary, item.contentHtml, item.author,
        item.image, toJson(item.categories), item.published ?? now, item.dateFlag, now, now, hash,
        textFingerprint(item.title, item.summary), original) as { id: number };
      addSource.run(feedId, item.guid, row.id);
      saveCopyKeys(store, row.id, sketch.keys, false);
      counts.added++;
    }
  });
  return counts;
}

/**
 * The article a new one from feedId is a near copy of, from another outlet: the first of the chain (an original is
 * never itself a copy), or null. Candidates share a near-copy key; each is confirmed on its exact shingle overlap.
 */
function findOriginal(store: Store, feedId: number, sketch: CopySketch): number | null {
  // The first few carriers are enough: an original has the lowest id of its copies, and a key shared by hundreds
  // (one outlet's boilerplate summary) must not cost hundreds of look-ups per new article.
  const byKeys = statement(store,
    `SELECT DISTINCT article_id FROM article_copy_keys WHERE key IN (${sketch.keys.map(() => '?').join(', ')})
     ORDER BY article_id LIMIT 16`);
  const candidates = (byKeys.all(...sketch.keys) as { article_id: number }[]).map((row) => row.article_id);
  if (candidates.length === 0) return null;
  const article = statement(store, 'SELECT feed_id, title, summary, copy_of FROM articles WHERE id = ?');
  let original: number | null = null;
  for (const id of candidates) {
    const candidate = article.get(id) as { feed_id: number; title: string; summary: string; copy_of: number | null };
    const first = candidate.copy_of ?? id;
    if (candidate.feed_id === feedId || (original !== null && first >= original)) continue;
    if (isNearCopy(sketch, copySketch(candidate.title, candidate.summary))) original = first;
  }
  return original;
}

/** Replaces an article's near-copy keys; key 0 alone marks "looked at, too short to compare". */
function saveCopyKeys(store: Store, articleId: number, keys: readonly number[], replace: boolean): void {
  if (replace) statement(store, 'DELETE FROM article_copy_keys WHERE article_id = ?').run(articleId);
  const insert = statement(store, 'INSERT OR IGNORE INTO article_copy_keys (key, article_id) VALUES (?, ?)');
  for (const key of keys.length > 0 ? keys : [0]) insert.run(key, articleId);
}

/**
 * Keys the articles stored before near-copy keys existed (they have the lowest ids, below every keyed article), so
 * new copies of them are found too. After that one pass this is a single index look-up.
 */
export function keyUnkeyedArticles(store: Store): number {
  const lowest = (statement(store, 'SELECT min(article_id) AS id FROM article_copy_keys').get() as { id: number | null }).id;
  const rows = statement(store, 'SELECT id, title, summary FROM articles WHERE id < ? ORDER BY id')
    .all(lowest ?? Number.MAX_SAFE_INTEGER) as { id: number; title: string; summary: string }[];
  if (rows.length === 0) return 0;
  store.transaction(() => {
    for (const row of rows) saveCopyKeys(store, row.id, copySketch(row.title, row.summary).keys, false);
  });
  return rows.length;
}

interface ArticleRow {
  id: number;
  feed_id: number;
  source: string | null;
  feed_url: string;
  canonical_url: string | null;
  original_url: string | null;
  title: string;
  summary: string;
  content_html: string;
  author: string | null;
  image: string | null;
  categories: string;
  published_at: string;
  date_flag: string | null;
  first_seen_at: string;
  content_hash: string;
  copy_of: number | null;
}

export const articleColumns = `a.id, a.feed_id, f.title AS source, f.url AS feed_url, a.canonical_url, a.original_url, a.title,
  a.summary, a.content_html, a.author, a.image, a.categories, a.published_at, a.date_flag, a.first_seen_at,
  a.content_hash, a.copy_of`;

export function toArticle(row: ArticleRow): Article {
  return {
    id: row.id,
    feedId: row.feed_id,
    source: row.source ?? new URL(row.feed_url).hostname,
    canonicalUrl: row.canonical_url,
    originalUrl: row.original_url,
    title: row.title,
    summary: row.summary,
    contentHtml: row.content_html,
    author: row.author,
    image: row.image,
    categories: fromJson<string[]>(row.categories, []),
    publishedAt: row.published_at,
    dateFlag: row.date_flag,
    firstSeenAt: row.first_seen_at,
    contentHash: row.content_hash,
    copyOf: row.copy_of,
  };
}

export function getArticles(store: Store, ids: readonly number[]): Article[] {
  if (ids.length === 0) return [];
  const rows = store.db
    .prepare(`SELECT ${articleColumns} FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.published_at, a.id`)
    .all(toJson(ids)) as unknown as ArticleRow[];
  return rows.map(toArticle);
}

/**
 * Articles not yet placed in any story, oldest first: the clusterer's input. Articles flagged 'undated' are left out:
 * their stored date is only when a feed's back catalogue was first read, so in a story they would make it look new.
 */
export function unclusteredArticles(store: Store): Article[] {
  const rows = store.db
    .prepare(`SELECT ${articleColumns} FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE a.id NOT IN (SELECT article_id FROM story_articles) AND a.date_flag IS NOT 'undated'
              ORDER BY a.published_at, a.id`)
    .all() as unknown as ArticleRow[];
  return rows.map(toArticle);
}

export function countArticles(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
}

/** Articles marked as near copies of another outlet's article. */
export function countNearCopies(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM articles WHERE copy_of IS NOT NULL').get() as { n: number }).n;
}
