// Per-host politeness across real `wirefold ingest` workers on PostgreSQL: loopback feed servers on distinct hosts
// (127.0.0.2, 127.0.0.3, …: all of 127.0.0.0/8 is loopback on Linux) count the requests each has in flight at once.
// Two workers started together never send one host more than one worker's limit (2 at once) and fetch every feed
// once; a host answering 429 with Retry-After is left alone by every worker until then, and one answering 503 without
// it for a minute (that one in-process, through ingestFeeds).
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { listenOnLoopback } from '../ingest/loopback.ts';
import { startIngest } from './ingest-workers.ts';
import { freshPostgresLocation, postgresSkipReason } from '../backends.ts';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { defaultFetchLimits } from '../../src/ingest/fetch.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';

/** A feed of two items with unique guids; its ttl of an hour keeps a fetched feed from being due again in the next run. */
function rss(host: number, feed: number): string {
  const items = [0, 1].map((k) => `<item><guid>h${host}-f${feed}-i${k}</guid><title>Report ${k} of feed ${feed} on host ${host}</title>
    <link>https://outlet${host}.example/${feed}/${k}</link><pubDate>Mon, 30 Nov 2026 1${k}:00:00 GMT</pubDate>
    <description>Host ${host} feed ${feed} files report ${k} on harbour ${host * 7 + feed} and bridge ${k}.</description></item>`).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${host}</title><ttl>60</ttl><link>https://outlet${host}.example/</link>${items}</channel></rss>`;
}

interface Request { path: string; status: number }
interface Host {
  server: Server;
  base: string;
  inFlight: number;
  maxInFlight: number;
  requests: Request[];
  /** What the host answers: 200 with the feed after a delay, or a 429/503 asking for a wait (with a Retry-After or not). */
  mode: { kind: 'feed'; delayMs: number } | { kind: 'wait'; status: 429 | 503; retryAfterSeconds: number | null };
}

const hosts: Host[] = [];
afterAll(async () => {
  for (const { server } of hosts) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A feed server on 127.0.0.N that counts how many requests it holds at once. */
async function startHost(index: number, mode: Host['mode']): Promise<Host> {
  const host = { inFlight: 0, maxInFlight: 0, requests: [], mode } as unknown as Host;
  host.server = createServer((request, response) => {
    const entry: Request = { path: request.url ?? '/', status: 0 };
    host.requests.push(entry);
    host.maxInFlight = Math.max(host.maxInFlight, ++host.inFlight);
    const answer = (status: number, headers: Record<string, string>, body: string) => {
      entry.status = status;
      host.inFlight--;
      response.writeHead(status, headers).end(body);
    };
    const feed = Number(/\/feed\/(\d+)/.exec(entry.path)?.[1]);
    if (host.mode.kind === 'wait') {
      return answer(host.mode.status, host.mode.retryAfterSeconds === null ? {} : { 'retry-after': String(host.mode.retryAfterSeconds) }, '');
    }
    setTimeout(() => answer(200, { 'content-type': 'application/rss+xml' }, rss(index, feed)), host.mode.delayMs);
  });
  host.base = (await listenOnLoopback(host.server, `127.0.0.${index}`)).base;
  hosts.push(host);
  return host;
}

/** Adds feedsPerHost feeds on each host, interleaved (feed 0 of every host, then feed 1, …) as a real list would be. */
async function addFeeds(location: string, group: Host[], feedsPerHost: number): Promise<void> {
  const store = await openStore(location);
  try {
    for (let feed = 0; feed < feedsPerHost; feed++) for (const host of group) await upsertFeed(store, { url: `${host.base}/feed/${feed}` });
  } finally {
    await store.close();
  }
}

const requestsByPath = (group: Host[]) => group.flatMap((host) => host.requests.map((request) => `${host.base}${request.path}`));

describe.skipIf(postgresSkipReason)('per-host politeness across ingest workers (PostgreSQL)', () => {
  it('two workers started together never send one host more than one worker\'s limit at once, and fetch each feed once', async () => {
    // 12 hosts of 12 feeds, 144 in all: more than one worker's batch (128), so by feed leases alone the second worker
    // would take the last feeds of some hosts while the first fetches their others, up to four at once on one host.
    // 12 hosts × 2 stay below the global limit (32), so one worker alone reaches the per-host limit.
    const group: Host[] = [];
    for (let index = 2; index < 14; index++) group.push(await startHost(index, { kind: 'feed', delayMs: 400 }));
    const location = await freshPostgresLocation('host_politeness');
    await addFeeds(location, group, 12);

    const workers = [startIngest(location), startIngest(location)];
    const codes = await Promise.all(workers.map((worker) => worker.exited));
    const outputs = workers.map((worker) => worker.output()).join('\n');
    expect(codes, outputs).toEqual([0, 0]);

    expect(Math.max(...group.map((host) => host.maxInFlight)), outputs).toBeLessThanOrEqual(defaultFetchLimits.perHost);
    // The limit was reached, so the check above could have failed.
    expect(Math.max(...group.map((host) => host.maxInFlight))).toBe(defaultFetchLimits.perHost);
    const fetched = requestsByPath(group);
    expect(fetched).toHaveLength(144);
    expect(new Set(fetched).size).toBe(144);
    const fetchedByWorker = workers.map((worker) => Number(/(\d+) fetched/.exec(worker.output())?.[1]));
    expect(fetchedByWorker[0]! + fetchedByWorker[1]!).toBe(144);

    const store = await openStore(location);
    try {
      expect(await sqlOf(store).all('SELECT host FROM hosts WHERE leased_by IS NOT NULL')).toEqual([]);
      expect((await sqlOf(store).get<{ n: number }>('SELECT count(*) AS n FROM articles'))!.n).toBe(144 * 2);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a 429 with Retry-After from one host keeps every worker from it until then; its feeds are fetched after', async () => {
    const group: Host[] = [];
    for (let index = 50; index < 60; index++) group.push(await startHost(index, { kind: 'feed', delayMs: 300 }));
    const busy = await startHost(60, { kind: 'wait', status: 429, retryAfterSeconds: 120 });
    const location = await freshPostgresLocation('host_busy');
    await addFeeds(location, [...group, busy], 4);
    const busyUrls = [0, 1, 2, 3].map((feed) => `${busy.base}/feed/${feed}`);

    const workers = [startIngest(location), startIngest(location)];
    const codes = await Promise.all(workers.map((worker) => worker.exited));
    const outputs = workers.map((worker) => worker.output()).join('\n');
    expect(codes, outputs).toEqual([0, 0]);

    // The busy host saw only what was under way when its first 429 reached the worker holding it: at most that
    // worker's two requests of the four feeds; the rest were given back and left alone by both workers.
    expect(busy.requests.length, outputs).toBeGreaterThan(0);
    expect(busy.requests.length, outputs).toBeLessThanOrEqual(defaultFetchLimits.perHost);
    expect(requestsByPath(group)).toHaveLength(40);

    const store = await openStore(location);
    try {
      const pause = await sqlOf(store).get<{ next_allowed_at: string; leased_by: string | null }>('SELECT next_allowed_at, leased_by FROM hosts WHERE host = ?', ['127.0.0.60']);
      interface Row { url: string; last_fetched_at: string | null; next_fetch_at: string | null; leased_by: string | null }
      const busyRows = await sqlOf(store).all<Row>('SELECT url, last_fetched_at, next_fetch_at, leased_by FROM feeds WHERE host = ? ORDER BY id', ['127.0.0.60']);
      const asked = busyRows.filter((row) => row.last_fetched_at !== null);
      // Every worker waits the Retry-After from when the answer came, as the answered feeds do.
      expect(pause!.leased_by).toBeNull();
      expect(asked.length).toBe(busy.requests.length);
      const lastAnswer = Math.max(...asked.map((row) => Date.parse(row.next_fetch_at!)));
      expect(Math.abs(Date.parse(pause!.next_allowed_at) - lastAnswer)).toBeLessThan(1000);
      for (const row of asked) expect(Date.parse(row.next_fetch_at!) - Date.parse(row.last_fetched_at!)).toBe(120_000);
      // The rest were given back unfetched, and said so.
      const heldBack = busyRows.filter((row) => row.last_fetched_at === null);
      expect(heldBack.map((row) => row.leased_by)).toEqual(heldBack.map(() => null));
      expect(outputs).toContain(`${heldBack.length} held back (their host asked us to wait)`);

      // A worker started now, within the Retry-After, does not ask the busy host either, though its feeds are due.
      const third = startIngest(location);
      expect(await third.exited, third.output()).toBe(0);
      expect(third.output()).toContain('0 fetched');
      expect(busy.requests.length).toBe(asked.length);

      // Once the wait is over (moved into the past here), the next worker fetches the held-back feeds.
      busy.mode = { kind: 'feed', delayMs: 0 };
      await sqlOf(store).run("UPDATE hosts SET next_allowed_at = '2000-01-01T00:00:00.000Z' WHERE host = ?", ['127.0.0.60']);
      const fourth = startIngest(location);
      expect(await fourth.exited, fourth.output()).toBe(0);
      expect(fourth.output()).toContain(`${heldBack.length} fetched`);
      expect(busy.requests.slice(asked.length).map((request) => `${busy.base}${request.path}`).sort())
        .toEqual(heldBack.map((row) => row.url).sort());
      expect(busyUrls).toEqual(busyRows.map((row) => row.url));
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a 503 without Retry-After pauses its host for a minute, and the worker gives back its other feeds of it', async () => {
    const down = await startHost(70, { kind: 'wait', status: 503, retryAfterSeconds: null });
    const location = await freshPostgresLocation('host_503');
    await addFeeds(location, [down], 6);
    const store = await openStore(location);
    try {
      const summary = await ingestFeeds(store, { allowPrivateAddresses: true });
      expect(down.requests.length).toBeGreaterThan(0);
      expect(down.requests.length).toBeLessThanOrEqual(defaultFetchLimits.perHost);
      expect(summary.failures).toHaveLength(down.requests.length);
      expect(summary.heldBack).toBe(6 - down.requests.length);
      const pause = await sqlOf(store).get<{ next_allowed_at: string }>('SELECT next_allowed_at FROM hosts WHERE host = ?', ['127.0.0.70']);
      const answered = await sqlOf(store).get<{ at: string }>('SELECT max(last_fetched_at) AS at FROM feeds WHERE host = ?', ['127.0.0.70']);
      expect(Math.abs(Date.parse(pause!.next_allowed_at) - Date.parse(answered!.at) - 60_000)).toBeLessThan(1000);
    } finally {
      await store.close();
    }
  }, 60_000);
});

if (postgresSkipReason) describe.skip(`the host politeness test on postgres: ${postgresSkipReason}`, () => it('runs the test above', () => undefined));
