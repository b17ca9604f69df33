// The hosts table: per-host politeness shared by every ingest worker of a PostgreSQL store. A host is leased to one
// worker at a time (so that worker's per-host limit holds across the fleet), and a host that answered 429 or 503
// waits until its next_allowed_at for every worker. SQLite runs one ingest at a time, so it leaves this table empty.
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';

/**
 * The host a feed URL is fetched from, for politeness: the WHATWG URL parser's hostname (lower-cased, IDNs in
 * punycode, IPv6 in brackets, without the port), or null when the text is no URL with a host (such a feed fails
 * before it connects anywhere, so there is no one to be polite to).
 */
export function feedHost(url: string): string | null {
  return URL.parse(url)?.hostname || null;
}

/** Whether a hosts row (named `h`) asks for no wait at `now` (a 429/503's Retry-After is over); parameter: now. */
const unpaused = `(h.next_allowed_at IS NULL OR h.next_allowed_at <= ?)`;

/** Whether a hosts row is free for `worker` at `now` (SQL over a row named `h`; parameters: now, worker, now). */
const freeFor = `(h.leased_by IS NULL OR (h.lease_until <= ? AND h.leased_by <> ?)) AND ${unpaused}`;

/**
 * SQL that is true for a feeds row (named `feeds`) whose host `worker` may take at `now`: it has no host, or no hosts
 * row, or one nobody holds (a worker never takes back its own lapsed lease, as with feeds) and that asks for no wait.
 * Parameters, in order: now, worker, now.
 */
export const hostFreeSql = `(feeds.host IS NULL OR NOT EXISTS (SELECT 1 FROM hosts h WHERE h.host = feeds.host AND NOT (${freeFor})))`;

/** SQL that is true for a feeds row (named `feeds`) whose host asks for no wait at `now`, held or not; parameter: now. */
export const hostUnpausedSql = `NOT EXISTS (SELECT 1 FROM hosts h WHERE h.host = feeds.host AND NOT ${unpaused})`;

/**
 * Leases these hosts to `worker` until `until` (ISO-8601), each where it is free at `now` (see hostFreeSql), and
 * returns the hosts it won. PostgreSQL only: two workers leasing one host at once both reach the same row (ON
 * CONFLICT waits for the other's insert or update to commit, then checks the row as committed), so one wins. Hosts
 * are taken in sorted order, so two workers leasing overlapping sets wait for each other without a deadlock.
 */
export async function leaseHosts(store: Store, hosts: readonly string[], worker: string, until: string, now: string): Promise<Set<string>> {
  if (hosts.length === 0) return new Set();
  const rows = await sqlOf(store).all<{ host: string }>(
    `INSERT INTO hosts AS h (host, leased_by, lease_until)
       SELECT host, ?, ? FROM unnest(?::text[]) AS host ORDER BY host
     ON CONFLICT (host) DO UPDATE SET leased_by = excluded.leased_by, lease_until = excluded.lease_until
       WHERE ${freeFor}
     RETURNING host`,
    [worker, until, [...hosts].sort(), now, worker, now]);
  return new Set(rows.map((row) => row.host));
}

/** Extends to `until` every host lease `worker` holds; returns how many. */
export async function renewHostLeases(store: Store, worker: string, until: string): Promise<number> {
  return sqlOf(store).run('UPDATE hosts SET lease_until = ? WHERE leased_by = ?', [until, worker]);
}

/**
 * Ends the host lease of feed `feedId`'s holder when this feed is the last of that host it holds, so the host is free
 * for any worker once its feeds are recorded. Run it before the feed's own lease is cleared (and before a move
 * changes its host). A no-op for a feed nobody holds.
 */
export async function releaseHostOf(store: Store, feedId: number): Promise<void> {
  await sqlOf(store).run(
    `UPDATE hosts SET leased_by = NULL, lease_until = NULL
      WHERE (host, leased_by) = (SELECT host, leased_by FROM feeds WHERE id = ?)
        AND NOT EXISTS (SELECT 1 FROM feeds f WHERE f.host = hosts.host AND f.leased_by = hosts.leased_by AND f.id <> ?)`,
    [feedId, feedId]);
}

/**
 * Asks every worker to send `host` nothing before `until` (ISO-8601): a 429 or 503 answer, with its Retry-After. A
 * later time already set is kept, so two answers never shorten the wait.
 */
export async function pauseHost(store: Store, host: string, until: string): Promise<void> {
  await sqlOf(store).run(
    `INSERT INTO hosts (host, next_allowed_at) VALUES (?, ?)
     ON CONFLICT (host) DO UPDATE SET next_allowed_at = CASE
       WHEN hosts.next_allowed_at IS NULL OR hosts.next_allowed_at < excluded.next_allowed_at THEN excluded.next_allowed_at
       ELSE hosts.next_allowed_at END`,
    [host, until]);
}
