// The feeds table: the source list, each feed's HTTP validators and its health.
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { statement } from './statements.ts';

export type FeedStatus = 'active' | 'disabled';

export interface Feed {
  id: number;
  url: string;
  title: string | null;
  siteUrl: string | null;
  tags: string[];
  status: FeedStatus;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** When the current run of failures began; null while the feed works. */
  failingSince: string | null;
  nextFetchAt: string | null;
  itemsSeen: number;
  addedAt: string;
}

export interface NewFeed {
  url: string;
  title?: string | null;
  siteUrl?: string | null;
  tags?: string[];
}

/** What one fetch attempt taught us about a feed. */
export interface FetchOutcome {
  fetchedAt: string;
  status: number | null;
  error: string | null;
  etag?: string | null;
  lastModified?: string | null;
  nextFetchAt: string | null;
  newUrl?: string | null;
  disable?: boolean;
  title?: string | null;
  siteUrl?: string | null;
  itemsSeen?: number;
}

interface FeedRow {
  id: number;
  url: string;
  title: string | null;
  site_url: string | null;
  tags: string;
  status: string;
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: string | null;
  last_status: number | null;
  last_error: string | null;
  consecutive_failures: number;
  failing_since: string | null;
  next_fetch_at: string | null;
  items_seen: number;
  added_at: string;
}

const toFeed = (row: FeedRow): Feed => ({
  id: row.id,
  url: row.url,
  title: row.title,
  siteUrl: row.site_url,
  tags: fromJson<string[]>(row.tags, []),
  status: row.status === 'disabled' ? 'disabled' : 'active',
  etag: row.etag,
  lastModified: row.last_modified,
  lastFetchedAt: row.last_fetched_at,
  lastStatus: row.last_status,
  lastError: row.last_error,
  consecutiveFailures: row.consecutive_failures,
  failingSince: row.failing_since,
  nextFetchAt: row.next_fetch_at,
  itemsSeen: row.items_seen,
  addedAt: row.added_at,
});

export function listFeeds(store: Store): Feed[] {
  return (store.db.prepare('SELECT * FROM feeds ORDER BY id').all() as unknown as FeedRow[]).map(toFeed);
}

export function findFeed(store: Store, idOrUrl: string): Feed | null {
  const row = /^\d+$/.test(idOrUrl)
    ? store.db.prepare('SELECT * FROM feeds WHERE id = ?').get(Number(idOrUrl))
    : store.db.prepare('SELECT * FROM feeds WHERE url = ?').get(idOrUrl);
  return row ? toFeed(row as unknown as FeedRow) : null;
}

/** Adds the feed, or updates its title, site and tags if the URL is already known. Returns the feed id. */
export function upsertFeed(store: Store, feed: NewFeed, now: string = new Date().toISOString()): number {
  const row = store.db
    .prepare(
      `INSERT INTO feeds (url, title, site_url, tags, added_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(url) DO UPDATE SET
         title = coalesce(excluded.title, feeds.title),
         site_url = coalesce(excluded.site_url, feeds.site_url),
         tags = CASE WHEN excluded.tags = '[]' THEN feeds.tags ELSE excluded.tags END
       RETURNING id`,
    )
    .get(feed.url, feed.title ?? null, feed.siteUrl ?? null, toJson(feed.tags ?? []), now) as { id: number };
  return row.id;
}

/** Removes a feed from the list; its articles stay (they are part of stories) but no longer name it as a source. */
export function removeFeed(store: Store, id: number): boolean {
  return store.transaction(() => {
    const sourced = store.db.prepare('SELECT count(*) AS n FROM articles WHERE feed_id = ?').get(id) as { n: number };
    if (sourced.n > 0) {
      // Articles keep their outlet; the feed stays as a disabled record so history remains readable.
      store.db.prepare("UPDATE feeds SET status = 'disabled', last_error = 'removed from the source list' WHERE id = ?").run(id);
      return true;
    }
    return store.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
  });
}

export function recordFetch(store: Store, feedId: number, outcome: FetchOutcome): void {
  const failed = outcome.error !== null;
  statement(
    store,
    `UPDATE feeds SET
         last_fetched_at = ?, last_status = ?, last_error = ?,
         consecutive_failures = CASE WHEN ? THEN consecutive_failures + 1 ELSE 0 END,
         failing_since = CASE WHEN ? THEN coalesce(failing_since, ?) ELSE NULL END,
         next_fetch_at = ?,
         etag = CASE WHEN ? THEN etag ELSE coalesce(?, etag) END,
         last_modified = CASE WHEN ? THEN last_modified ELSE coalesce(?, last_modified) END,
         status = CASE WHEN ? THEN 'disabled' ELSE status END,
         title = coalesce(?, title),
         site_url = coalesce(?, site_url),
         items_seen = items_seen + ?
       WHERE id = ?`,
  ).run(
    outcome.fetchedAt,
    outcome.status,
    outcome.error,
    failed ? 1 : 0,
    failed ? 1 : 0,
    outcome.fetchedAt,
    outcome.nextFetchAt,
    failed ? 1 : 0,
    outcome.etag ?? null,
    failed ? 1 : 0,
    outcome.lastModified ?? null,
    outcome.disable ? 1 : 0,
    outcome.title ?? null,
    outcome.siteUrl ?? null,
    outcome.itemsSeen ?? 0,
    feedId,
  );
  if (outcome.newUrl) moveFeed(store, feedId, outcome.newUrl);
}

/** A permanent redirect: the feed lives at a new URL now (unless another entry already has it). */
function moveFeed(store: Store, feedId: number, newUrl: string): void {
  const taken = statement(store, 'SELECT id FROM feeds WHERE url = ?').get(newUrl) as { id: number } | undefined;
  if (!taken) statement(store, 'UPDATE feeds SET url = ? WHERE id = ?').run(newUrl, feedId);
}
