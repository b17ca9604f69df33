// Per-host politeness in the store (src/store/hosts.ts): migration 8 fills each feed's host from its URL on both
// backends; on PostgreSQL a host is leased with its feeds to one worker at a time, up to a cap, released with its
// holder's last feed or at the lease's expiry, and a 429/503 pause keeps every worker away. Real workers against a
// real HTTP server: test/crash/host-politeness.test.ts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { migrations, migrationSql } from '../../src/store/migrations.ts';
import { postgresDdl } from '../../src/store/postgres.ts';
import { countFeedsAwaitingHosts, hostBatch, leaseDueFeeds, recordFetch, renewLeases, upsertFeed } from '../../src/store/feeds.ts';
import type { LeaseRequest } from '../../src/store/feeds.ts';
import { pauseHost } from '../../src/store/hosts.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { backends, freshPostgresLocation, postgresSkipReason } from '../backends.ts';
import { tempFolder } from '../helpers.ts';

const oldUrls = ['https://News.Example.COM/feed', 'http://bücher.example/rss', 'http://127.0.0.2:8080/x', 'http://[::1]:81/f', 'not a url'];
const expectedHosts = ['news.example.com', 'xn--bcher-kva.example', '127.0.0.2', '[::1]', null];

/** A store as Wirefold left it before migration 8, holding feeds with these URLs. */
async function storeAtVersion7(backend: 'sqlite' | 'postgres'): Promise<string> {
  if (backend === 'sqlite') {
    const path = join(tempFolder(), 'v7.db');
    const db = new DatabaseSync(path);
    for (const migration of migrations.slice(0, 7)) db.exec(migrationSql(migration));
    db.exec('PRAGMA user_version = 7');
    for (const url of oldUrls) db.prepare("INSERT INTO feeds (url, added_at) VALUES (?, '2026-01-01')").run(url);
    db.close();
    return path;
  }
  const location = await freshPostgresLocation('hosts_v7');
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('CREATE TABLE wirefold_schema (version INTEGER NOT NULL, demo BOOLEAN NOT NULL DEFAULT false)');
    await client.query('INSERT INTO wirefold_schema (version) VALUES (7)');
    for (const migration of migrations.slice(0, 7)) await client.query(postgresDdl(migrationSql(migration)));
    for (const url of oldUrls) await client.query("INSERT INTO feeds (url, added_at) VALUES ($1, '2026-01-01')", [url]);
  } finally {
    await client.end();
  }
  return location;
}

const hostsOf = async (store: Store) =>
  (await sqlOf(store).all<{ host: string | null }>('SELECT host FROM feeds ORDER BY id')).map((row) => row.host);

describe.each(backends)('feed hosts on $name', (backend) => {
  it('migration 8 fills the host of existing feeds from the WHATWG hostname; upsert and a 301 move keep it', async () => {
    const store = await openStore(await storeAtVersion7(backend.name));
    try {
      expect(await hostsOf(store)).toEqual(expectedHosts);
      const id = await upsertFeed(store, { url: 'https://WWW.Outlet.example:8443/rss' });
      expect((await sqlOf(store).get<{ host: string }>('SELECT host FROM feeds WHERE id = ?', [id]))!.host).toBe('www.outlet.example');
      const at = '2026-11-30T12:00:00.000Z';
      await recordFetch(store, id, { fetchedAt: at, status: 200, error: null, nextFetchAt: null, newUrl: 'https://feeds.Other.example/rss' });
      expect((await sqlOf(store).get<{ host: string }>('SELECT host FROM feeds WHERE id = ?', [id]))!.host).toBe('feeds.other.example');
    } finally {
      await store.close();
    }
  });
});

const runStartedAt = '2026-11-30T12:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(runStartedAt) + seconds * 1000).toISOString();
const request = (worker: string, nowSeconds = 0, limit = 100): LeaseRequest =>
  ({ worker, limit, leaseSeconds: 60, runStartedAt, now: at(nowSeconds) });
const hostOfUrl = (url: string) => new URL(url).hostname;
const done = (seconds: number) => ({ fetchedAt: at(seconds), status: 200, error: null, nextFetchAt: at(3600) });

describe.skipIf(postgresSkipReason)('host leases on postgres', () => {
  it('gives each host to one of two workers leasing at once, at most hostBatch feeds, and hands it on when recorded', async () => {
    const location = await freshPostgresLocation('host_race');
    const setup = await openStore(location);
    // 20 feeds on busy.example, 3 on each of four small hosts, interleaved by id as a real source list would be.
    for (let index = 0; index < 20; index++) {
      await upsertFeed(setup, { url: `https://busy.example/feed/${index}` });
      if (index < 12) await upsertFeed(setup, { url: `https://small${index % 4}.example/feed/${index}` });
    }
    const [one, two] = await Promise.all([openStore(location), openStore(location)]);
    try {
      const [a, b] = await Promise.all([leaseDueFeeds(one, request('a')), leaseDueFeeds(two, request('b'))]);
      const hostsA = new Set(a.map((feed) => hostOfUrl(feed.url)));
      const hostsB = new Set(b.map((feed) => hostOfUrl(feed.url)));
      expect([...hostsA].filter((host) => hostsB.has(host))).toEqual([]);
      const busyHolder = hostsA.has('busy.example') ? { store: one, worker: 'a', feeds: a } : { store: two, worker: 'b', feeds: b };
      const other = busyHolder.worker === 'a' ? { store: two, worker: 'b' } : { store: one, worker: 'a' };
      const busy = busyHolder.feeds.filter((feed) => hostOfUrl(feed.url) === 'busy.example');
      // Usually all sixteen; fewer when the other worker locked some of them in the same instant and lost the host.
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.length).toBeLessThanOrEqual(hostBatch);
      expect(hostsA.size + hostsB.size).toBe(5);

      // The remaining four busy.example feeds wait for the holder, even for itself: none is taken while it holds them.
      expect(await leaseDueFeeds(other.store, request(other.worker, 1))).toEqual([]);
      expect(await leaseDueFeeds(busyHolder.store, request(busyHolder.worker, 1))).toEqual([]);
      // Recording all but one keeps the host; the last one hands it on.
      for (const feed of busy.slice(0, -1)) await recordFetch(setup, feed.id, done(2));
      expect(await leaseDueFeeds(other.store, request(other.worker, 3))).toEqual([]);
      await recordFetch(setup, busy.at(-1)!.id, done(3));
      const rest = await leaseDueFeeds(other.store, request(other.worker, 4));
      const leftover = Array.from({ length: 20 }, (_, index) => `https://busy.example/feed/${index}`)
        .filter((url) => !busy.some((feed) => feed.url === url)).slice(0, hostBatch);
      expect(rest.map((feed) => feed.url)).toEqual(leftover);
      const row = await sqlOf(setup).get<{ leased_by: string }>("SELECT leased_by FROM hosts WHERE host = 'busy.example'");
      expect(row!.leased_by).toBe(other.worker);
    } finally {
      await Promise.all([one.close(), two.close(), setup.close()]);
    }
  });

  it('counts the due feeds a worker with nothing to lease should wait for: held back by another worker\'s host, not by a pause', async () => {
    // What keeps a late ingest worker from ending with nothing (src/ingest/ingest.ts): bench/scale-out had 2 of 4
    // workers quit at once because every free host was taken, while thousands of feeds were due behind them.
    const store = await openStore(await freshPostgresLocation('host_awaiting'));
    try {
      for (let index = 0; index < hostBatch + 4; index++) await upsertFeed(store, { url: `https://big.example/feed/${index}` });
      const held = await leaseDueFeeds(store, request('first'));
      expect(held).toHaveLength(hostBatch);
      // The second worker can lease nothing, yet 4 feeds wait behind the host the first one holds.
      expect(await leaseDueFeeds(store, request('second', 1))).toEqual([]);
      expect(await countFeedsAwaitingHosts(store, request('second', 1))).toBe(4);
      // Once the first records its batch the host is free: the count still says "lease again", and the lease works.
      for (const feed of held) await recordFetch(store, feed.id, done(2));
      expect(await countFeedsAwaitingHosts(store, request('second', 3))).toBe(4);
      expect(await leaseDueFeeds(store, request('second', 3))).toHaveLength(4);
      expect(await countFeedsAwaitingHosts(store, request('third', 4))).toBe(0);
      // A paused host (429/503) is no reason to wait: its feeds are for a later run.
      for (let index = 0; index < 2; index++) await upsertFeed(store, { url: `https://paused.example/feed/${index}` });
      await pauseHost(store, 'paused.example', at(600));
      expect(await countFeedsAwaitingHosts(store, request('third', 5))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('frees a dead worker\'s hosts when the lease expires, keeps a renewed one, and keeps every worker from a paused host', async () => {
    const store = await openStore(await freshPostgresLocation('host_expiry'));
    try {
      for (let index = 0; index < 4; index++) await upsertFeed(store, { url: `https://slow.example/feed/${index}` });
      for (let index = 0; index < 2; index++) await upsertFeed(store, { url: `https://limited.example/feed/${index}` });
      expect(await leaseDueFeeds(store, request('dead'))).toHaveLength(6);
      // The dead worker's leases (feeds and hosts) run out after 60 s; the renewing one's do not.
      expect(await leaseDueFeeds(store, request('next', 59))).toEqual([]);
      const taken = await leaseDueFeeds(store, request('next', 60));
      expect(taken).toHaveLength(6);
      // `next` renews while it fetches: another worker after the first expiry gets nothing.
      await renewLeases(store, 'next', taken.map((feed) => feed.id), at(200));
      expect(await leaseDueFeeds(store, request('third', 121))).toEqual([]);

      // limited.example answered 429 with Retry-After: every worker leaves it until then, even once its feeds are free.
      const limited = taken.filter((feed) => feed.url.includes('limited'));
      for (const feed of taken.filter((each) => each.url.includes('slow'))) await recordFetch(store, feed.id, done(130));
      await pauseHost(store, 'limited.example', at(300));
      await pauseHost(store, 'limited.example', at(250)); // an earlier time never shortens the wait
      for (const feed of limited) await sqlOf(store).run('UPDATE feeds SET lease_until = NULL, leased_by = NULL WHERE id = ?', [feed.id]);
      await sqlOf(store).run("UPDATE hosts SET leased_by = NULL, lease_until = NULL WHERE host = 'limited.example'");
      expect(await leaseDueFeeds(store, request('third', 299))).toEqual([]);
      expect((await leaseDueFeeds(store, request('third', 300))).map((feed) => feed.id)).toEqual(limited.map((feed) => feed.id));
    } finally {
      await store.close();
    }
  });
});

if (postgresSkipReason) describe.skip(`host leases on postgres: ${postgresSkipReason}`, () => it('runs the suite above', () => undefined));
