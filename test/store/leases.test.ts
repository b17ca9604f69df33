// Feed leases (leaseDueFeeds) on PostgreSQL: workers leasing at once never share a feed, the oldest due feed goes
// first, a lease keeps a feed from others until it expires (and from its own worker after), and recording the fetch
// ends it. On SQLite one ingest runs at a time (the writer lock), so a lease left in the table by a stopped run holds
// nothing back. The crash test (test/crash/ingest-lease-crash.test.ts) runs real workers.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { findFeed, leaseDueFeeds, recordFetch, upsertFeed } from '../../src/store/feeds.ts';
import type { LeaseRequest } from '../../src/store/feeds.ts';
import { backends, postgresSkipReason } from '../backends.ts';

const runStartedAt = '2026-11-30T12:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(runStartedAt) + seconds * 1000).toISOString();
const request = (worker: string, limit: number, nowSeconds = 0): LeaseRequest =>
  ({ worker, limit, leaseSeconds: 60, runStartedAt, now: at(nowSeconds) });

describe.each(backends.filter((backend) => backend.name === 'postgres'))('feed leases on $name', (backend) => {
  it('two workers leasing at once, batch after batch, share out every due feed and never the same one', async () => {
    const location = await backend.fresh('lease_race');
    const setup = await openStore(location);
    for (let index = 0; index < 60; index++) await upsertFeed(setup, { url: `https://f${index}.example/feed` });
    // Two processes' worth of connections: each worker has a store (a pool, on PostgreSQL) of its own.
    const [one, two] = await Promise.all([openStore(location), openStore(location)]);
    const drain = async (store: typeof one, worker: string) => {
      const ids: number[] = [];
      for (;;) {
        const taken = await leaseDueFeeds(store, request(worker, 7));
        if (taken.length === 0) return ids;
        ids.push(...taken.map((feed) => feed.id));
      }
    };
    const [a, b] = await Promise.all([drain(one, 'a'), drain(two, 'b')]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(new Set([...a, ...b]).size).toBe(60);
    expect(a.length + b.length).toBe(60);
    expect((await findFeed(setup, String(a[0] ?? b[0])))!.id).toBeGreaterThan(0);
    await Promise.all([one.close(), two.close(), setup.close()]);
  });

  it('takes the oldest due feed first, keeps leased feeds from others until the lease expires, and a fetch ends it', async () => {
    const store = await openStore(await backend.fresh('lease_order'));
    const late = await upsertFeed(store, { url: 'https://late.example/feed' });
    const early = await upsertFeed(store, { url: 'https://early.example/feed' });
    const never = await upsertFeed(store, { url: 'https://never.example/feed' });
    const notDue = await upsertFeed(store, { url: 'https://later.example/feed' });
    // Fetched before this run began, each due again at its next_fetch_at.
    await recordFetch(store, late, { fetchedAt: at(-7200), status: 200, error: null, nextFetchAt: at(-60) });
    await recordFetch(store, early, { fetchedAt: at(-7200), status: 200, error: null, nextFetchAt: at(-3600) });
    await recordFetch(store, notDue, { fetchedAt: at(-7200), status: 200, error: null, nextFetchAt: at(600) });

    expect((await leaseDueFeeds(store, request('a', 2))).map((feed) => feed.id)).toEqual([never, early]);
    expect((await leaseDueFeeds(store, request('b', 10))).map((feed) => feed.id)).toEqual([late]);
    expect(await leaseDueFeeds(store, request('b', 10, 59))).toEqual([]);
    // All three leases run out 60 s after they were taken. Worker a died: b takes its two feeds, but not its own
    // lapsed one (still in b's hands, or lost by b in this run).
    expect((await leaseDueFeeds(store, request('b', 10, 60))).map((feed) => feed.id)).toEqual([never, early]);
    // A recorded fetch ends the lease; fetched during this run, the feed is not taken again by it, even when it is
    // due at once (a failure whose retry time is now). Another worker takes b's lapsed lease.
    await recordFetch(store, never, { fetchedAt: at(61), status: 500, error: 'HTTP 500', nextFetchAt: at(61) });
    expect((await leaseDueFeeds(store, request('c', 10, 62))).map((feed) => feed.id)).toEqual([late]);
    expect((await leaseDueFeeds(store, { ...request('c2', 10, 63), runStartedAt: at(62) })).map((feed) => feed.id)).toEqual([never]);
    // --force takes a feed that is not due yet.
    expect((await leaseDueFeeds(store, { ...request('d', 10, 300), force: true })).map((feed) => feed.id)).toEqual([early, late, notDue]);
    await store.close();
  });
});

describe('feed leases on sqlite', () => {
  it('takes the oldest due feeds first, and a lease left by a stopped run (Ctrl-C, a kill) holds nothing back', async () => {
    const store = await openStore((await backends[0]!.fresh('lease_sqlite')));
    const late = await upsertFeed(store, { url: 'https://late.example/feed' });
    const early = await upsertFeed(store, { url: 'https://early.example/feed' });
    await recordFetch(store, late, { fetchedAt: at(-7200), status: 200, error: null, nextFetchAt: at(-60) });
    await recordFetch(store, early, { fetchedAt: at(-7200), status: 200, error: null, nextFetchAt: at(-3600) });
    expect((await leaseDueFeeds(store, request('stopped', 10))).map((feed) => feed.id)).toEqual([early, late]);
    // Within its run, a worker never takes the feeds in its hands twice.
    expect(await leaseDueFeeds(store, request('stopped', 10))).toEqual([]);
    // The run was stopped before it recorded them; the next run, a second later, takes both at once.
    expect((await leaseDueFeeds(store, { ...request('next', 10, 1), runStartedAt: at(1) })).map((feed) => feed.id)).toEqual([early, late]);
    await store.close();
  });
});

if (postgresSkipReason) describe.skip(`feed leases on postgres: ${postgresSkipReason}`, () => it('runs the suite above', () => undefined));
