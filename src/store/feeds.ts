// The feeds table: the source list, each feed's HTTP validators and its health.
import type { FeedStatus, Feed, NewFeed, FetchOutcome } from '../model/feed.ts';
export type { FeedStatus, Feed, NewFeed, FetchOutcome } from '../model/feed.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { sqlOf } from './connection.ts';

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

export async function listFeeds(store: Store): Promise<Feed[]> {
  return (await sqlOf(store).all<FeedRow>('SELECT * FROM feeds ORDER BY id')).map(toFeed);
}

/** The feed with this id (all digits) or URL, or null. */
export async function findFeed(store: Store, idOrUrl: string): Promise<Feed | null> {
  const row = /^\d+$/.test(idOrUrl)
    ? await sqlOf(store).get<FeedRow>('SELECT * FROM feeds WHERE id = ?', [Number(idOrUrl)])
    : await sqlOf(store).get<FeedRow>('SELECT * FROM feeds WHERE url = ?', [idOrUrl]);
  return row ? toFeed(row) : null;
}

/** Adds the feed, or updates its title, site and tags if the URL is already known. Returns the feed id. */
export async function upsertFeed(store: Store, feed: NewFeed, now: string = new Date().toISOString()): Promise<number> {
  const row = await sqlOf(store).get<{ id: number }>(
    `INSERT INTO feeds (url, title, site_url, tags, added_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(url) DO UPDATE SET
       title = coalesce(excluded.title, feeds.title),
       site_url = coalesce(excluded.site_url, feeds.site_url),
       tags = CASE WHEN excluded.tags = '[]' THEN feeds.tags ELSE excluded.tags END
     RETURNING id`,
    [feed.url, feed.title ?? null, feed.siteUrl ?? null, toJson(feed.tags ?? []), now]);
  return row!.id;
}

/** What following a feed did: a new feed, one already followed, or one removed or disabled before and active again. */
export type FollowResult = { id: number; was: 'new' | 'followed' | 'disabled' };

/**
 * Follows a feed at a person's request (`feeds add`, `feeds import`): adds it, or updates a known one's title, site and
 * tags; a feed that was removed (kept as a disabled record for its articles) or disabled by its server (410 Gone) is
 * active again, its failure count cleared and due at once, since asking for it again is the person's decision.
 */
export async function followFeed(store: Store, feed: NewFeed, now: string = new Date().toISOString()): Promise<FollowResult> {
  return await store.transaction(async () => {
    const known = await findFeed(store, feed.url);
    const id = await upsertFeed(store, feed, now);
    if (known?.status === 'disabled') {
      await sqlOf(store).run(
        "UPDATE feeds SET status = 'active', last_error = NULL, consecutive_failures = 0, failing_since = NULL, next_fetch_at = NULL WHERE id = ?", [id]);
    }
    return { id, was: known === null ? 'new' : known.status === 'disabled' ? 'disabled' : 'followed' };
  });
}

/** Removes a feed from the list; its articles stay (they are part of stories) but no longer name it as a source. */
export async function removeFeed(store: Store, id: number): Promise<boolean> {
  const q = sqlOf(store);
  return store.transaction(async () => {
    const sourced = (await q.get<{ n: number }>('SELECT count(*) AS n FROM articles WHERE feed_id = ?', [id]))!;
    if (sourced.n > 0) {
      // Articles keep their outlet; the feed stays as a disabled record so history remains readable.
      await q.run("UPDATE feeds SET status = 'disabled', last_error = 'removed from the source list' WHERE id = ?", [id]);
      return true;
    }
    return (await q.run('DELETE FROM feeds WHERE id = ?', [id])) > 0;
  });
}

/** Records one fetch attempt: validators, health, schedule and (on a permanent redirect) the feed's new URL. */
export async function recordFetch(store: Store, feedId: number, outcome: FetchOutcome): Promise<void> {
  const failed = outcome.error !== null ? 1 : 0;
  await sqlOf(store).run(
    `UPDATE feeds SET
         last_fetched_at = ?, last_status = ?, last_error = ?,
         consecutive_failures = CASE WHEN ? = 1 THEN consecutive_failures + 1 ELSE 0 END,
         failing_since = CASE WHEN ? = 1 THEN coalesce(failing_since, ?) ELSE NULL END,
         next_fetch_at = ?,
         etag = CASE WHEN ? = 1 THEN etag ELSE coalesce(?, etag) END,
         last_modified = CASE WHEN ? = 1 THEN last_modified ELSE coalesce(?, last_modified) END,
         status = CASE WHEN ? = 1 THEN 'disabled' ELSE status END,
         title = coalesce(?, title),
         site_url = coalesce(?, site_url),
         items_seen = items_seen + ?,
         lease_until = NULL, leased_by = NULL
       WHERE id = ?`,
    [
      outcome.fetchedAt, outcome.status, outcome.error,
      failed, failed, outcome.fetchedAt, outcome.nextFetchAt,
      failed, outcome.etag ?? null, failed, outcome.lastModified ?? null,
      outcome.disable ? 1 : 0, outcome.title ?? null, outcome.siteUrl ?? null, outcome.itemsSeen ?? 0, feedId,
    ]);
  if (outcome.newUrl) await moveFeed(store, feedId, outcome.newUrl);
}

/** What leaseDueFeeds needs to know. */
export interface LeaseRequest {
  /** Who takes the feeds (host and pid), kept in leased_by for `doctor` and for people reading the table. */
  worker: string;
  /** The most feeds to take. */
  limit: number;
  /** How long the lease lasts, in seconds: a worker killed mid-lease gives its feeds back this much later. */
  leaseSeconds: number;
  /** When this ingest run began (ISO-8601): feeds due by then, and not fetched since, are taken. */
  runStartedAt: string;
  /** The time now (ISO-8601), against which leases expire. */
  now: string;
  /** Take every active feed not fetched since runStartedAt, whether due or not (`ingest --force`). */
  force?: boolean;
}

/**
 * Leases up to `limit` due feeds to one worker in one statement and returns them, oldest next_fetch_at first (a feed
 * never fetched first of all), so no feed starves behind others. A feed is taken when it is active, due by the run's
 * start (unless `force`), not fetched since the run began (so a feed whose fetch failed, or whose schedule says "now",
 * is not fetched again in the same run), and not leased to anyone until later than `now`. A worker never takes back
 * its own lapsed lease: that feed is still in its hands, or its write failed and it waits for the next run. On
 * PostgreSQL the choice is made with `FOR UPDATE SKIP LOCKED`, so two workers leasing at the same instant each take other rows instead of
 * waiting; SQLite has one writer at a time, so the plain statement is enough there. recordFetch ends the lease.
 */
export async function leaseDueFeeds(store: Store, request: LeaseRequest): Promise<Feed[]> {
  const q = sqlOf(store);
  const until = new Date(Date.parse(request.now) + request.leaseSeconds * 1000).toISOString();
  // ISO-8601 texts in UTC compare as times (COLLATE "C" on PostgreSQL, binary on SQLite).
  const rows = await q.all<FeedRow>(
    `UPDATE feeds SET lease_until = ?, leased_by = ?
       WHERE id IN (
         SELECT id FROM feeds
          WHERE status = 'active'
            AND (? = 1 OR next_fetch_at IS NULL OR next_fetch_at <= ?)
            AND (last_fetched_at IS NULL OR last_fetched_at < ?)
            AND (lease_until IS NULL OR (lease_until <= ? AND leased_by <> ?))
          ORDER BY coalesce(next_fetch_at, ''), id
          LIMIT ?${q.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''})
     RETURNING *`,
    [until, request.worker, request.force ? 1 : 0, request.runStartedAt, request.runStartedAt, request.now, request.worker, request.limit]);
  return rows.map(toFeed).sort((a, b) => (a.nextFetchAt ?? '').localeCompare(b.nextFetchAt ?? '') || a.id - b.id);
}

/**
 * Extends to `until` (ISO-8601) the leases `worker` still holds on these feed ids, so a fetch slower than the lease is
 * not taken over by another worker while it runs. A lease that lapsed and went to another worker is left alone.
 * Returns how many leases were extended.
 */
export async function renewLeases(store: Store, worker: string, feedIds: readonly number[], until: string): Promise<number> {
  if (feedIds.length === 0) return 0;
  return sqlOf(store).run('UPDATE feeds SET lease_until = ? WHERE leased_by = ? AND id IN (SELECT value FROM json_each(?))', [until, worker, feedIds]);
}

/** How many feeds are active (fetched by ingest); the rest are disabled. */
export async function countActiveFeeds(store: Store): Promise<number> {
  return (await sqlOf(store).get<{ n: number }>("SELECT count(*) AS n FROM feeds WHERE status = 'active'"))!.n;
}

/** A permanent redirect: the feed lives at a new URL now (unless another entry already has it). */
async function moveFeed(store: Store, feedId: number, newUrl: string): Promise<void> {
  const taken = await sqlOf(store).get('SELECT id FROM feeds WHERE url = ?', [newUrl]);
  if (!taken) await sqlOf(store).run('UPDATE feeds SET url = ? WHERE id = ?', [newUrl, feedId]);
}
