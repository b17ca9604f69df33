// The feeds table: the source list, each feed's HTTP validators and its health.
import type { FeedStatus, Feed, NewFeed, FetchOutcome } from '../model/feed.ts';
export type { FeedStatus, Feed, NewFeed, FetchOutcome } from '../model/feed.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { sqlOf } from './connection.ts';
import { feedHost, hostFreeSql, hostUnpausedSql, leaseHosts, releaseHostOf, renewHostLeases } from './hosts.ts';

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
    `INSERT INTO feeds (url, host, title, site_url, tags, added_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(url) DO UPDATE SET
       title = coalesce(excluded.title, feeds.title),
       site_url = coalesce(excluded.site_url, feeds.site_url),
       tags = CASE WHEN excluded.tags = '[]' THEN feeds.tags ELSE excluded.tags END
     RETURNING id`,
    [feed.url, feedHost(feed.url), feed.title ?? null, feed.siteUrl ?? null, toJson(feed.tags ?? []), now]);
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
        // Its validators go too: a feed followed again is read whole once, not answered 304 on what it sent before.
        "UPDATE feeds SET status = 'active', last_error = NULL, consecutive_failures = 0, failing_since = NULL, next_fetch_at = NULL, etag = NULL, last_modified = NULL WHERE id = ?", [id]);
    }
    return { id, was: known === null ? 'new' : known.status === 'disabled' ? 'disabled' : 'followed' };
  });
}

/** What removeFeed did: deleted the feed, kept it as a disabled record, found it off the list already, or found none. */
export type Removal = 'deleted' | 'disabled' | 'already off' | 'absent';

/**
 * Takes feed `id` off the source list. A feed something still points at stays as a disabled record: articles it first
 * carried or carries as a source (stories show them), or an ingest run's lease (a run fetching it now stores nothing
 * of it and gives the lease back: ingest.ts). Only a feed nothing points at is deleted, a disabled one too (gone with
 * a 410, say). A feed disabled already and still pointed at is left as it is, its last error kept.
 * Counting only articles.feed_id missed a feed that was only a second source of an article, whose DELETE then failed
 * on the foreign key; deleting a feed a run was fetching made the run fail it the same way.
 */
export async function removeFeed(store: Store, id: number, now: string = new Date().toISOString()): Promise<Removal> {
  const q = sqlOf(store);
  return store.transaction(async () => {
    // PostgreSQL: the row is locked first, in a statement of its own, so that a write holding it (ingest's isFollowed)
    // ends before the look below, whose snapshot then sees what that write stored (else its DELETE failed on the
    // foreign key of the article it had just stored).
    if (q.dialect === 'postgres') await q.get('SELECT id FROM feeds WHERE id = ? FOR UPDATE', [id]);
    const feed = await q.get<{ status: string; pointed: number }>(
      `SELECT status,
         (EXISTS (SELECT 1 FROM articles WHERE feed_id = feeds.id) OR EXISTS (SELECT 1 FROM article_sources WHERE feed_id = feeds.id)
          OR coalesce(lease_until, '') > ?) AS pointed
       FROM feeds WHERE id = ?`, [now, id]);
    if (!feed) return 'absent';
    if (!feed.pointed) {
      await q.run('DELETE FROM feeds WHERE id = ?', [id]);
      return 'deleted';
    }
    if (feed.status === 'disabled') return 'already off';
    // Articles keep their outlet; the feed stays as a disabled record so history remains readable.
    await q.run("UPDATE feeds SET status = 'disabled', last_error = 'removed from the source list' WHERE id = ?", [id]);
    return 'disabled';
  });
}

/**
 * True when feed `id` is still on the source list (its row exists and is active): not removed, not disabled. Asked in
 * the transaction that then writes the feed's items, it holds the answer until that transaction ends: on PostgreSQL
 * the row is locked (FOR SHARE), so a `feeds remove` waits for the write instead of landing between the check and it;
 * SQLite's one writer at a time needs no lock.
 */
export async function isFollowed(store: Store, id: number): Promise<boolean> {
  const q = sqlOf(store);
  return (await q.get(`SELECT 1 AS one FROM feeds WHERE id = ? AND status = 'active'${q.dialect === 'postgres' ? ' FOR SHARE' : ''}`, [id])) !== undefined;
}

/** Records one fetch attempt: validators, health, schedule and (on a permanent redirect) the feed's new URL. */
export async function recordFetch(store: Store, feedId: number, outcome: FetchOutcome): Promise<void> {
  const failed = outcome.error !== null ? 1 : 0;
  // The host's lease ends with its holder's last feed of it, read before this feed's lease is cleared.
  if (store.kind === 'postgres') await releaseHostOf(store, feedId);
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
  /** PostgreSQL: the most feeds of one host to take at a time (default hostBatch, 16). */
  hostCap?: number;
}

/**
 * How many due feeds of one host a worker takes at a time on PostgreSQL. The host is its alone until they are all
 * recorded, fetched two at a time (the per-host limit), so 16 is eight rounds: enough to keep the host's two slots
 * busy, few enough that a host with thousands of feeds fills one eighth of a 128-feed batch and is handed back to
 * every worker after each sixteen, rather than held for a whole run.
 */
export const hostBatch = 16;

/** A feed due in this run, over a row named `feeds`, leased or not; parameters: force, runStartedAt, runStartedAt. */
const dueInRunSql = `feeds.status = 'active'
  AND (? = 1 OR feeds.next_fetch_at IS NULL OR feeds.next_fetch_at <= ?)
  AND (feeds.last_fetched_at IS NULL OR feeds.last_fetched_at < ?)`;
/** The feed conditions of a lease, over a row named `feeds`; parameters: force, runStartedAt, runStartedAt, now, worker. */
const dueSql = `${dueInRunSql}
  AND (feeds.lease_until IS NULL OR (feeds.lease_until <= ? AND feeds.leased_by <> ?))`;
const dueInRunParams = (request: Omit<LeaseRequest, 'limit'>) => [request.force ? 1 : 0, request.runStartedAt, request.runStartedAt];
const dueParams = (request: Omit<LeaseRequest, 'limit'>) => [...dueInRunParams(request), request.now, request.worker];
const byDue = (a: Feed, b: Feed) => (a.nextFetchAt ?? '').localeCompare(b.nextFetchAt ?? '') || a.id - b.id;

/**
 * Leases up to `limit` due feeds to one worker and returns them, oldest next_fetch_at first (a feed never fetched
 * first of all), so no feed starves behind others. A feed is taken when it is active, due by the run's start (unless
 * `force`), not fetched since the run began (so a feed whose fetch failed, or whose schedule says "now", is not
 * fetched again in the same run), and not leased to anyone until later than `now`. A worker never takes back its own
 * lapsed lease: that feed is still in its hands, or its write failed and it waits for the next run. recordFetch ends
 * the lease. SQLite has one writer at a time, so one plain statement is enough there.
 *
 * On PostgreSQL the host is leased with its feeds (src/store/hosts.ts), so one worker at a time fetches a host and its
 * per-host limit holds across the fleet: a feed is taken only when its host is free for this worker (nobody holds
 * it, including this worker: a host is taken again only after its last batch is recorded) and has asked for no wait
 * (429/503), at most `hostCap` feeds per host, in one transaction. The feeds are chosen with `FOR UPDATE SKIP
 * LOCKED`, so two workers leasing at the same instant take other rows instead of waiting; when both reach for one
 * host, one wins it and the other leases again without that host. Throws what the store throws.
 */
export async function leaseDueFeeds(store: Store, request: LeaseRequest): Promise<Feed[]> {
  const q = sqlOf(store);
  const until = new Date(Date.parse(request.now) + request.leaseSeconds * 1000).toISOString();
  if (q.dialect === 'postgres') return leaseDueFeedsByHost(store, request, until);
  // ISO-8601 texts in UTC compare as times (COLLATE "C" on PostgreSQL, binary on SQLite). On SQLite the writer lock
  // lets one ingest run at a time, so a lease of another worker found in the table is a run's that was stopped (Ctrl-C,
  // a kill) before it recorded those feeds: it holds nothing back (it kept them from the next run for the lease's 10
  // minutes). This run's own leases still keep its feeds in hand from being taken twice.
  const rows = await q.all<FeedRow>(
    `UPDATE feeds SET lease_until = ?, leased_by = ?
       WHERE id IN (SELECT id FROM feeds WHERE ${dueInRunSql} AND (feeds.leased_by IS NULL OR feeds.leased_by <> ?)
                    ORDER BY coalesce(next_fetch_at, ''), id LIMIT ?)
     RETURNING *`,
    [until, request.worker, ...dueInRunParams(request), request.worker, request.limit]);
  return rows.map(toFeed).sort(byDue);
}

/**
 * How far past `limit` a PostgreSQL lease looks among the oldest due feeds of free hosts to fill its batch under the
 * per-host cap. A prefix dominated by a few hosts gives a smaller batch (at least one host's cap), never none while a
 * host is free. With 20,000 due feeds over 2,000 hosts (medians of 15 leases of 128, load 10-13, JIT off as below):
 * ranking every due feed took 73 ms against 45 ms for the plain feed lease of the SQLite path; ranking this prefix,
 * 55 ms against 53 ms.
 */
const scanFactor = 8;

/** How often a lease that lost every host it reached for (to workers leasing at the same instant) tries again. */
const hostRaceAttempts = 5;

async function leaseDueFeedsByHost(store: Store, request: LeaseRequest, until: string): Promise<Feed[]> {
  const q = sqlOf(store);
  const cap = request.hostCap ?? hostBatch;
  for (let attempt = 1; ; attempt++) {
    const { rows, lost } = await store.transaction(async () => {
      // The planner overestimates the host check (a hashed subplan) and JIT-compiles the query above its cost
      // threshold: 81 of 110 ms of one lease went to JIT with 20,000 due feeds, for 28 ms of work.
      await q.run('SET LOCAL jit = off');
      // The cap needs a window function, which FOR UPDATE cannot share a query level with: the inner query ranks each
      // host's feeds among the oldest due ones of free hosts (a prefix, so a lease never sorts the whole list by host),
      // the outer one locks the chosen rows and checks them again as they are now.
      const candidates = await q.all<{ id: number; host: string | null }>(
        `SELECT id, host FROM feeds
          WHERE id IN (
            SELECT id FROM (
              SELECT id, host, next_fetch_at,
                     row_number() OVER (PARTITION BY host ORDER BY coalesce(next_fetch_at, ''), id) AS host_rank
                FROM (SELECT id, host, next_fetch_at FROM feeds WHERE ${dueSql} AND ${hostFreeSql}
                       ORDER BY coalesce(next_fetch_at, ''), id LIMIT ?) due) ranked
             WHERE host_rank <= ? OR host IS NULL
             ORDER BY coalesce(next_fetch_at, ''), id
             LIMIT ?)
            AND ${dueSql}
          ORDER BY coalesce(next_fetch_at, ''), id
          FOR UPDATE SKIP LOCKED`,
        [...dueParams(request), request.now, request.worker, request.now, request.limit * scanFactor, cap, request.limit, ...dueParams(request)]);
      const hosts = [...new Set(candidates.flatMap((row) => (row.host === null ? [] : [row.host])))];
      const won = await leaseHosts(store, hosts, request.worker, until, request.now);
      const ids = candidates.filter((row) => row.host === null || won.has(row.host)).map((row) => row.id);
      const leased = ids.length === 0 ? [] : await q.all<FeedRow>(
        'UPDATE feeds SET lease_until = ?, leased_by = ? WHERE id IN (SELECT value FROM json_each(?)) RETURNING *',
        [until, request.worker, ids]);
      return { rows: leased, lost: hosts.length - won.size };
    }).catch((error: unknown) => {
      // Two leases crossing a recording worker's host release can deadlock; PostgreSQL aborts one, which tries again.
      if ((error as { code?: string }).code === '40P01' && attempt < hostRaceAttempts) return { rows: [], lost: 1 };
      throw error;
    });
    if (rows.length > 0 || lost === 0 || attempt >= hostRaceAttempts) return rows.map(toFeed).sort(byDue);
  }
}

/**
 * PostgreSQL: how many feeds are due for `request.worker` and not leased themselves, whose host asks for no wait
 * (429/503): those another worker's host lease holds back now, and any a free host would give. A worker that finds nothing to lease while this is above zero
 * has work coming: those hosts are handed on as their holders record each batch (hostBatch). SQLite: 0.
 */
export async function countFeedsAwaitingHosts(store: Store, request: Omit<LeaseRequest, 'limit'>): Promise<number> {
  const q = sqlOf(store);
  if (q.dialect !== 'postgres') return 0;
  // Free hosts count too: between a holder's release of a host and its next lease the host is free for a moment, and
  // a worker that looked then must lease again rather than end.
  const row = await q.get<{ n: number }>(
    `SELECT count(*) AS n FROM feeds
      WHERE ${dueSql} AND ${hostUnpausedSql}`,
    [...dueParams(request), request.now]);
  return Number(row?.n ?? 0);
}

/**
 * Extends to `until` (ISO-8601) the leases `worker` still holds on these feed ids, so a fetch slower than the lease is
 * not taken over by another worker while it runs, and (PostgreSQL) every host lease `worker` holds with them. A
 * lease that lapsed and went to another worker is left alone. Returns how many feed leases were extended.
 */
export async function renewLeases(store: Store, worker: string, feedIds: readonly number[], until: string): Promise<number> {
  if (feedIds.length === 0) return 0;
  const renewFeeds = () => sqlOf(store).run('UPDATE feeds SET lease_until = ? WHERE leased_by = ? AND id IN (SELECT value FROM json_each(?))', [until, worker, feedIds]);
  if (store.kind !== 'postgres') return renewFeeds();
  // One transaction, so a worker killed between the two never leaves its hosts leased longer than their feeds.
  return store.transaction(async () => {
    await renewHostLeases(store, worker, until);
    return renewFeeds();
  });
}

/**
 * Gives a leased feed back unfetched, recording nothing about it (PostgreSQL: its host had just asked for a wait), and
 * its host with it when it was the holder's last feed of that host. It stays due as it was.
 */
export async function releaseLease(store: Store, feedId: number): Promise<void> {
  if (store.kind === 'postgres') await releaseHostOf(store, feedId);
  await sqlOf(store).run('UPDATE feeds SET lease_until = NULL, leased_by = NULL WHERE id = ?', [feedId]);
}

/**
 * Gives back every feed and host lease `worker` holds, recording nothing (a stopped run: its feeds stay due as they
 * were, and other workers may take them at once instead of after the lease time). One transaction, as renewLeases.
 */
export async function releaseWorkerLeases(store: Store, worker: string): Promise<void> {
  await store.transaction(async () => {
    if (store.kind === 'postgres') await sqlOf(store).run('UPDATE hosts SET leased_by = NULL, lease_until = NULL WHERE leased_by = ?', [worker]);
    await sqlOf(store).run('UPDATE feeds SET lease_until = NULL, leased_by = NULL WHERE leased_by = ?', [worker]);
  });
}

/** How many feeds are active (fetched by ingest); the rest are disabled. */
export async function countActiveFeeds(store: Store): Promise<number> {
  return (await sqlOf(store).get<{ n: number }>("SELECT count(*) AS n FROM feeds WHERE status = 'active'"))!.n;
}

/** An outage: every one of `feeds` active feeds failing since `since` (ISO 8601), the latest fetch's error. */
export interface Outage {
  feeds: number;
  since: string;
  lastError: string | null;
}

/**
 * The outage when every active feed is failing (its last fetch failed); null when some active feed works, or there is
 * none. Two small queries: a scheduled run asks when no feed was due.
 */
export async function allFeedsFailing(store: Store): Promise<Outage | null> {
  const q = sqlOf(store);
  const row = await q.get<{ active: number; working: number; since: string | null }>(
    `SELECT count(*) AS active, count(*) FILTER (WHERE consecutive_failures = 0) AS working, min(failing_since) AS since
     FROM feeds WHERE status = 'active'`);
  if (!row || Number(row.active) === 0 || Number(row.working) > 0) return null;
  const latest = await q.get<{ last_error: string | null }>(
    "SELECT last_error FROM feeds WHERE status = 'active' ORDER BY last_fetched_at DESC LIMIT 1");
  return { feeds: Number(row.active), since: row.since ?? 'an unknown time', lastError: latest?.last_error ?? null };
}

/** A permanent redirect: the feed lives at a new URL now (unless another entry already has it). */
async function moveFeed(store: Store, feedId: number, newUrl: string): Promise<void> {
  const taken = await sqlOf(store).get('SELECT id FROM feeds WHERE url = ?', [newUrl]);
  if (!taken) await sqlOf(store).run('UPDATE feeds SET url = ?, host = ? WHERE id = ?', [newUrl, feedHost(newUrl), feedId]);
}
