// Ingest against a real HTTP server on loopback serving real feed bytes: conditional GET, redirects, 410, broken feeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { followFeed, listFeeds, removeFeed, upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';
import { listenOnLoopback } from './loopback.ts';

// The test server listens on 127.0.0.1, which the default network policy refuses.
const loopback = { allowPrivateAddresses: true };

const rss = (items: number) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loop News</title><link>https://loop.example/</link>
${Array.from({ length: items }, (_, index) => `<item><title>Story number ${index}</title><link>https://loop.example/${index}?utm_source=rss</link>
<guid>loop-${index}</guid><pubDate>Mon, 16 Nov 2026 1${index % 10}:00:00 GMT</pubDate><description>Body ${index}</description></item>`).join('\n')}
</channel></rss>`;

let server: Server;
let base: string;
let requests: { path: string; ifNoneMatch?: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, ifNoneMatch: request.headers['if-none-match'] as string | undefined });
    switch (path) {
      case '/feed.xml':
        if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss(5));
      case '/gzip.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gzipSync(rss(3).replaceAll('loop-', 'gz-').replaceAll('loop.example/', 'loop.example/gz/')));
      case '/old.xml':
        return void response.writeHead(301, { location: '/new.xml' }).end();
      case '/new.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(2).replaceAll('loop-', 'moved-').replaceAll('loop.example/', 'loop.example/moved/'));
      case '/gone.xml':
        return void response.writeHead(410).end();
      case '/error.xml':
        return void response.writeHead(500).end('oops');
      case '/busy.xml':
        return void response.writeHead(429, { 'retry-after': '120' }).end();
      case '/junk.xml':
        return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Not a feed</body></html>');
      case '/poison.xml':
        return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(2).replaceAll('loop-', 'poison-').replaceAll('loop.example/', 'loop.example/poison/').replace('Story number 1', 'poison'));
      case '/loop-a.xml':
        return void response.writeHead(302, { location: '/loop-b.xml' }).end();
      case '/loop-b.xml':
        return void response.writeHead(302, { location: '/loop-a.xml' }).end();
      default:
        return void response.writeHead(404).end();
    }
  });
  ({ base } = await listenOnLoopback(server));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ingest over HTTP', () => {
  it('stores good feeds, reports each broken one in plain words, and keeps going', async () => {
    const store = await openStore(join(tempFolder(), 'ingest.db'));
    for (const name of ['feed', 'gzip', 'old', 'gone', 'error', 'busy', 'junk', 'loop-a']) await upsertFeed(store, { url: `${base}/${name}.xml` });

    const first = await ingestFeeds(store, loopback);
    expect(first.added).toBe(5 + 3 + 2);
    expect(await countArticles(store)).toBe(10);
    const errors = Object.fromEntries(first.failures.map((failure) => [failure.url.replace(base, ''), failure.error]));
    expect(errors['/error.xml']).toMatch(/HTTP 500/);
    expect(errors['/busy.xml']).toMatch(/HTTP 429/);
    expect(errors['/junk.xml']).toMatch(/unreadable feed/);
    expect(errors['/gone.xml']).toMatch(/410/);
    expect(errors['/loop-a.xml']).toMatch(/redirect loop/);

    const feeds = new Map((await listFeeds(store)).map((feed) => [feed.url.replace(base, ''), feed]));
    expect(feeds.has('/new.xml')).toBe(true); // the 301 moved the stored URL
    expect(feeds.get('/gone.xml')!.status).toBe('disabled');
    expect(feeds.get('/feed.xml')!.etag).toBe('"v1"');
    expect(feeds.get('/error.xml')!.consecutiveFailures).toBe(1);
    const busy = feeds.get('/busy.xml')!;
    expect(Date.parse(busy.nextFetchAt!) - Date.parse(busy.lastFetchedAt!)).toBe(120_000); // Retry-After honoured

    const stored = sqliteDb(store).prepare("SELECT canonical_url FROM articles WHERE canonical_url LIKE 'https://loop.example/%' ORDER BY id LIMIT 1").get() as { canonical_url: string };
    expect(stored.canonical_url).toBe('https://loop.example/0');

    // Second run: the unchanged feed answers 304 and nothing new is stored; failing feeds wait out their backoff.
    requests = [];
    const second = await ingestFeeds(store, loopback);
    expect(second.notModified).toBe(1);
    expect(second.added).toBe(0);
    expect(requests.find((request) => request.path === '/feed.xml')?.ifNoneMatch).toBe('"v1"');
    expect(requests.some((request) => request.path === '/error.xml')).toBe(false);
    expect(requests.some((request) => request.path === '/gone.xml')).toBe(false);

    // --force fetches failing feeds again, and the same items add nothing.
    const forced = await ingestFeeds(store, { ...loopback, force: true });
    expect(forced.added).toBe(0);
    expect(await countArticles(store)).toBe(10);
    await store.close();
  });

  it('stores the other feeds when one feed cannot be stored, and says why for that one', async () => {
    const store = await openStore(join(tempFolder(), 'poison.db'));
    // A real constraint in the real database refuses one article, as a corrupt or full store would refuse a write.
    sqliteDb(store).exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON articles WHEN NEW.title = 'poison'
                   BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`);
    for (const name of ['feed', 'poison', 'gzip']) await upsertFeed(store, { url: `${base}/${name}.xml` });
    const summary = await ingestFeeds(store, loopback);
    expect(summary.added).toBe(5 + 3);
    expect(summary.failures).toEqual([{ url: `${base}/poison.xml`, error: 'could not be stored: refused by the test trigger', refused: false }]);
    const poison = (await listFeeds(store)).find((feed) => feed.url.endsWith('/poison.xml'))!;
    expect(poison.lastError).toBe('could not be stored: refused by the test trigger');
    expect(sqliteDb(store).prepare("SELECT count(*) AS n FROM articles WHERE canonical_url LIKE '%/poison/%'").get()).toEqual({ n: 0 });
    await store.close();
  });

  // `feeds remove` takes no lock: run while ingest fetched a never-fetched feed, it deleted the feed's row, and the
  // run then failed that feed with "could not be stored: FOREIGN KEY constraint failed" (a newcomer's trial).
  it('stores nothing of a feed removed from the list while it was being fetched, and counts it as no failure', async () => {
    const path = join(tempFolder(), 'removed.db');
    const store = await openStore(path);
    let answer!: () => void;
    const removed = new Promise<void>((resolve) => (answer = resolve));
    let requested!: () => void;
    const bothRequested = new Promise<void>((resolve) => {
      let count = 0;
      requested = () => ++count === 2 && resolve();
    });
    const slow = createServer((request, response) => {
      requested();
      const body = rss(3).replaceAll('loop-', `${request.url!.slice(1, 4)}-`).replaceAll('loop.example/', `loop.example${request.url}/`);
      void removed.then(() => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    });
    const { base: slowBase } = await listenOnLoopback(slow);
    try {
      const fresh = await upsertFeed(store, { url: `${slowBase}/new.xml` });
      const known = await upsertFeed(store, { url: `${slowBase}/old.xml` });
      await sqliteDb(store).prepare("INSERT INTO articles (feed_id, title, summary, content_html, published_at, first_seen_at, updated_at, content_hash, text_fingerprint) VALUES (?, 'Earlier', '', '', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'h', '')").run(known);
      const run = ingestFeeds(store, loopback);
      await bothRequested;
      // As `wirefold feeds remove` does: its own connection to the same file, while the run waits on the server.
      const other = await openStore(path);
      await removeFeed(other, fresh);
      await removeFeed(other, known);
      await other.close();
      answer();
      const summary = await run;
      expect(summary.failures).toEqual([]);
      expect(summary.added).toBe(0);
      expect(summary.warnings.map((warning) => warning.url).sort()).toEqual([`${slowBase}/new.xml`, `${slowBase}/old.xml`]);
      expect(summary.warnings[0]!.warning).toBe('removed from the source list during this run; nothing of this fetch was stored');
      expect(summary.removed).toBe(2);
      expect(await countArticles(store)).toBe(1);
      // Both kept as disabled records while the run held them, their leases given back.
      expect((await listFeeds(store)).map((feed) => [feed.id, feed.status])).toEqual([[fresh, 'disabled'], [known, 'disabled']]);
      expect(sqliteDb(store).prepare('SELECT count(*) AS n FROM feeds WHERE lease_until IS NOT NULL OR leased_by IS NOT NULL').get()).toEqual({ n: 0 });
      // Nothing points at the never-fetched one any more: removed again, it goes.
      const again = await openStore(path);
      expect(await removeFeed(again, fresh)).toBe('deleted');
      await again.close();
    } finally {
      await store.close();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  // The fetch was recorded after the items were saved, so a publisher's first fetch did not know its own site yet
  // (its channel link) and left an aggregator's "Comments" on the article; later fetches answered 304 (a newcomer's trial).
  it('gives an aggregator\'s article to its publisher on the publisher\'s first fetch, and a feed followed again is read whole', async () => {
    const path = join(tempFolder(), 'publisher.db');
    const store = await openStore(path);
    const channel = (site: string, summary: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>${site}</title><link>https://${site}/</link>
<item><title>Lander touches down</title><link>https://pub.example/news/lander</link><guid>${site}-1</guid><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate><description>${summary}</description></item>
</channel></rss>`;
    const feeds = createServer((request, response) => void response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"same"' })
      .end(request.url === '/agg.xml' ? channel('agg.example', 'Comments') : channel('pub.example', 'The lander touched down near the south pole.')));
    const { base: feedBase } = await listenOnLoopback(feeds);
    try {
      await upsertFeed(store, { url: `${feedBase}/agg.xml` });
      await ingestFeeds(store, loopback);
      const publisher = await upsertFeed(store, { url: `${feedBase}/pub.xml` });
      expect((await ingestFeeds(store, loopback)).updated).toBe(1);
      const article = () => sqliteDb(store).prepare('SELECT feed_id, summary FROM articles').get();
      expect(article()).toEqual({ feed_id: publisher, summary: 'The lander touched down near the south pole.' });
      // Removed, then followed again: its stored validators go, so it is read whole once instead of answered 304.
      expect(await removeFeed(store, publisher)).toBe('disabled');
      await followFeed(store, { url: `${feedBase}/pub.xml` });
      expect((await listFeeds(store)).find((feed) => feed.id === publisher)).toMatchObject({ status: 'active', etag: null });
    } finally {
      await store.close();
      await new Promise<void>((resolve) => feeds.close(() => resolve()));
    }
  });
});
