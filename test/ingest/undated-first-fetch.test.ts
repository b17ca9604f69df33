// A feed that dates nothing, read over HTTP into a real store: its back catalogue, seen on the first fetch, is kept out
// of the stories (so never on the front page or "latest"), while an item that appears on a later fetch is dated then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { unclusteredArticles } from '../../src/store/articles.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';
import { listenOnLoopback } from './loopback.ts';
import { fixture } from './load.ts';

const loopback = { allowPrivateAddresses: true };

/** The fixture as first served, then with one more (still undated) item, as a site adds a post. */
let body = fixture('undated-no-dates-at-all.rss').toString('utf8');
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
  ({ base } = await listenOnLoopback(server));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('undated items', () => {
  it('from a first fetch never reach the stories; one new on a later fetch is dated at first sight', async () => {
    const store = await openStore(join(tempFolder(), 'undated.db'));
    await upsertFeed(store, { url: `${base}/feed.xml` });
    const firstFetch = new Date('2026-11-20T12:00:00Z');
    expect((await ingestFeeds(store, { ...loopback, now: () => firstFetch })).added).toBe(1);
    const stored = () => sqliteDb(store).prepare('SELECT title, published_at, date_flag FROM articles ORDER BY id').all();
    expect(stored()).toEqual([{ title: 'Only a title', published_at: firstFetch.toISOString(), date_flag: 'undated' }]);
    expect(await unclusteredArticles(store)).toEqual([]);

    body = body.replace('</channel>', '<item><title>Posted since</title><link>https://bare.example/2</link></item></channel>');
    const secondFetch = new Date('2026-11-20T13:00:00Z');
    const second = await ingestFeeds(store, { ...loopback, force: true, now: () => secondFetch });
    expect(second).toMatchObject({ added: 1, updated: 0 });
    expect(stored()).toEqual([
      { title: 'Only a title', published_at: firstFetch.toISOString(), date_flag: 'undated' },
      { title: 'Posted since', published_at: secondFetch.toISOString(), date_flag: 'missing' },
    ]);
    expect((await unclusteredArticles(store)).map((article) => article.title)).toEqual(['Posted since']);

    // Fetched again unchanged, nothing is updated; once the feed dates the first item, it takes that date and joins.
    const third = await ingestFeeds(store, { ...loopback, force: true, now: () => new Date('2026-11-20T14:00:00Z') });
    expect(third).toMatchObject({ added: 0, updated: 0 });
    body = body.replace('<title>Only a title</title>', '<title>Only a title</title><pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>');
    const dated = await ingestFeeds(store, { ...loopback, force: true, now: () => new Date('2026-11-20T15:00:00Z') });
    expect(dated).toMatchObject({ added: 0, updated: 1 });
    expect(stored()[0]).toEqual({ title: 'Only a title', published_at: '2026-11-03T09:00:00.000Z', date_flag: null });
    expect((await unclusteredArticles(store)).map((article) => article.title)).toEqual(['Only a title', 'Posted since']);
    await store.close();
  });
});
