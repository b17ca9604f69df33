// kill -9 an ingest worker mid-lease on PostgreSQL: a real `wirefold ingest` child against loopback feed servers, half
// of which answer at once and half of which hold their answer. After the child dies its unanswered feeds stay leased
// to it until the lease (WIREFOLD_LEASE_SECONDS=2) runs out; then a second ingest fetches exactly those, and every
// item is stored once: none lost, none doubled. The dead worker's host lease (src/store/hosts.ts) expires with them.
// Stopped with SIGINT instead, the worker gives its leases back before it exits and the next worker need not wait.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { listenOnLoopback } from '../ingest/loopback.ts';
import { startIngest, until } from './ingest-workers.ts';
import { freshPostgresLocation, postgresSkipReason } from '../backends.ts';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { sqlOf } from '../../src/store/connection.ts';

const feedCount = 8;
const itemsPerFeed = 3;
const slow = (index: number) => index >= feedCount / 2;

/** A feed of three items; its ttl of an hour keeps a fetched feed from being due again in the next run. */
function rss(index: number): string {
  const items = Array.from({ length: itemsPerFeed }, (_, k) => `
    <item><guid>feed${index}-item${k}</guid><title>Report ${k} from outlet ${index}</title>
      <link>https://outlet${index}.example/report-${k}</link><pubDate>Mon, 30 Nov 2026 1${k}:00:00 GMT</pubDate>
      <description>Outlet ${index} files report number ${k}: ${index * 31 + k} about harbour ${index} and bridge ${k}.</description></item>`).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${index}</title><ttl>60</ttl><link>https://outlet${index}.example/</link>${items}</channel></rss>`;
}

/** One server per feed, so the per-host limit (2 at once) never queues a fast feed behind slow ones. */
interface FeedServer { server: Server; base: string; requests: number }
const servers: FeedServer[] = [];
let holding = true;
afterAll(async () => {
  for (const { server } of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startServers(): Promise<void> {
  for (let index = 0; index < feedCount; index++) {
    const entry = { base: '', requests: 0 } as FeedServer;
    entry.server = createServer((_request, response) => {
      entry.requests++;
      const answer = () => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(index));
      // A slow feed holds its answer while `holding`: the worker is killed with these fetches under way.
      if (!slow(index) || !holding) return answer();
      const wait = setInterval(() => {
        if (!holding) {
          clearInterval(wait);
          answer();
        }
      }, 50);
      response.on('close', () => clearInterval(wait));
    });
    entry.base = (await listenOnLoopback(entry.server)).base;
    servers.push(entry);
  }
}

interface FeedRow { url: string; last_fetched_at: string | null; lease_until: string | null; leased_by: string | null }
const feedRows = (store: Store) => sqlOf(store).all<FeedRow>('SELECT url, last_fetched_at, lease_until, leased_by FROM feeds ORDER BY id');

/**
 * Runs a test on a fresh PostgreSQL store following every feed server, the slow half holding its answers if `hold`;
 * `requestsBefore` is each server's request count when the test began (the servers outlive one test).
 */
async function withFeedStore(name: string, hold: boolean, test: (store: Store, location: string, requestsBefore: number[]) => Promise<void>): Promise<void> {
  if (servers.length === 0) await startServers();
  holding = hold;
  const location = await freshPostgresLocation(name);
  const store = await openStore(location);
  try {
    for (const { base } of servers) await upsertFeed(store, { url: `${base}/feed.xml` });
    await test(store, location, servers.map((entry) => entry.requests));
  } finally {
    await store.close();
  }
}

/** Waits until `worker` has requested every feed once more and stored the fast half; kills it and says why if not. */
async function untilFastHalfStored(store: Store, worker: ReturnType<typeof startIngest>, requestsBefore: number[]): Promise<void> {
  try {
    await until(async () => servers.every((entry, index) => entry.requests === requestsBefore[index]! + 1) &&
      (await feedRows(store)).filter((row) => row.last_fetched_at !== null).length === feedCount / 2);
  } catch (error) {
    worker.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; the worker said: ${worker.output()}`);
  }
}

/** Every item of every feed is stored once: none lost, none doubled. */
async function expectEachItemOnce(store: Store): Promise<void> {
  const guids = await sqlOf(store).all<{ n: number }>('SELECT count(*) AS n FROM article_sources GROUP BY guid');
  expect(guids).toHaveLength(feedCount * itemsPerFeed);
  expect(guids.every((row) => row.n === 1)).toBe(true);
}

describe.skipIf(postgresSkipReason)('an ingest worker killed or stopped mid-lease (PostgreSQL)', () => {
  it('leaves its unfinished feeds leased until the lease expires; the next worker fetches them; no item lost or doubled', async () => {
    await withFeedStore('lease_crash', true, async (store, location, before) => {
      const first = startIngest(location);
      // Every feed requested (all leased by the one worker) and the fast half stored: kill it now.
      await untilFastHalfStored(store, first, before);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();

      const afterKill = await feedRows(store);
      afterKill.forEach((row, index) => {
        if (slow(index)) {
          // Unfinished: still leased to the dead worker, never recorded.
          expect(row.last_fetched_at).toBeNull();
          expect(row.leased_by).toMatch(new RegExp(` pid ${first.child.pid} at `));
        } else {
          expect(row).toMatchObject({ lease_until: null, leased_by: null });
        }
      });
      const expiry = Math.max(...afterKill.filter((row) => row.lease_until).map((row) => Date.parse(row.lease_until!)));
      expect(expiry - Date.now()).toBeLessThanOrEqual(2000);
      // Its host (all eight servers are on 127.0.0.1) stays leased to it with those feeds, and expires with them.
      const host = await sqlOf(store).get<{ leased_by: string; lease_until: string }>("SELECT leased_by, lease_until FROM hosts WHERE host = '127.0.0.1'");
      expect(host!.leased_by).toMatch(new RegExp(` pid ${first.child.pid} at `));
      expect(Date.parse(host!.lease_until)).toBeLessThanOrEqual(expiry);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now()) + 100));

      holding = false;
      const second = startIngest(location);
      expect(await second.exited, second.output()).toBe(0);
      expect(second.output()).toContain(`${feedCount} feeds, ${feedCount / 2} fetched, 0 not modified, ${feedCount / 2} not due or taken by another worker, 0 failed; ${feedCount / 2 * itemsPerFeed} new articles`);
      // The fast feeds were not fetched again (they are not due); each slow one twice: once by each worker.
      expect(servers.map((entry, index) => entry.requests - before[index]!)).toEqual(Array.from({ length: feedCount }, (_, index) => (slow(index) ? 2 : 1)));

      expect((await feedRows(store)).every((row) => row.last_fetched_at !== null && row.lease_until === null)).toBe(true);
      expect(await sqlOf(store).all('SELECT host FROM hosts WHERE leased_by IS NOT NULL')).toEqual([]);
      await expectEachItemOnce(store);
      const articles = await sqlOf(store).get<{ n: number }>('SELECT count(*) AS n FROM articles');
      expect(articles!.n).toBe(feedCount * itemsPerFeed);
    });
  }, 120_000);

  // Ctrl-C (or a scheduler's SIGTERM) is not a crash: the stopped worker gives its leases back before it exits, so the
  // next worker fetches its unfinished feeds at once, although the lease (10 minutes here) is far from over.
  it('gives back its feed and host leases when stopped by SIGINT; the next worker fetches the unfinished feeds at once', async () => {
    await withFeedStore('lease_sigint', true, async (store, location, before) => {
      const first = startIngest(location, 600);
      await untilFastHalfStored(store, first, before);
      expect((await feedRows(store)).filter((row) => row.leased_by !== null)).toHaveLength(feedCount / 2);
      first.child.kill('SIGINT');
      expect(await first.exited, first.output()).toBe(130);
      expect(first.output()).toContain('stopped (SIGINT)');

      (await feedRows(store)).forEach((row, index) => {
        expect(row).toMatchObject({ lease_until: null, leased_by: null });
        // The unfinished feeds are recorded as nothing: still due, as if never leased.
        if (slow(index)) expect(row.last_fetched_at).toBeNull();
      });
      expect(await sqlOf(store).all('SELECT host FROM hosts WHERE leased_by IS NOT NULL')).toEqual([]);

      holding = false;
      const second = startIngest(location, 600);
      expect(await second.exited, second.output()).toBe(0);
      expect(second.output()).toContain(`${feedCount / 2} fetched`);
      expect((await feedRows(store)).every((row) => row.last_fetched_at !== null && row.lease_until === null)).toBe(true);
      await expectEachItemOnce(store);
    });
  }, 120_000);

  it('two workers started together both run (no store-wide lock) and fetch each feed once between them', async () => {
    await withFeedStore('lease_parallel', false, async (store, location, before) => {
      const workers = [startIngest(location), startIngest(location)];
      const codes = await Promise.all(workers.map((worker) => worker.exited));
      expect(codes, workers.map((worker) => worker.output()).join('\n')).toEqual([0, 0]);
      const fetched = workers.map((worker) => Number(/(\d+) fetched/.exec(worker.output())?.[1]));
      expect(fetched[0]! + fetched[1]!).toBe(feedCount);
      expect(servers.map((entry, index) => entry.requests - before[index]!)).toEqual(Array.from({ length: feedCount }, () => 1));
      await expectEachItemOnce(store);
    });
  }, 120_000);
});

if (postgresSkipReason) describe.skip(`the ingest crash test on postgres: ${postgresSkipReason}`, () => it('runs the test above', () => undefined));
