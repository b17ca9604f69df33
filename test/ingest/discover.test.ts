// Kind 8 of issue 13 (a site page given instead of a feed): feed autodiscovery, and `feeds parse` saying what it found.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { discoverFeeds } from '../../src/ingest/discover.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { listFeeds, upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { runWirefold, runWirefoldBeside, tempFolder } from '../helpers.ts';
import { fixture } from './load.ts';
import { listenOnLoopback } from './loopback.ts';

describe('discoverFeeds', () => {
  it('finds feed alternates in order, resolved against <base href>, without repeats or non-feeds', () => {
    expect(discoverFeeds(fixture('site-page-several-feeds.html'), 'https://news.example/world/story.html')).toEqual([
      { url: 'https://cdn.news.example/en/feeds/all.atom', type: 'application/atom+xml', title: 'All news' },
      { url: 'https://news.example/feed.json', type: 'application/feed+json', title: 'JSON & more' },
      { url: 'https://cdn.news.example/comments.rss', type: 'application/rss+xml', title: 'Comments' },
      { url: 'https://cdn.news.example/body-feed.xml', type: '', title: null },
    ]);
  });

  it('finds nothing on a page without feed links', () => {
    expect(discoverFeeds(new TextEncoder().encode('<html><head><title>x</title></head></html>'), 'https://x.example/')).toEqual([]);
  });
});

describe('feeds parse given a web page', () => {
  it('says the page is not a feed and names the feed it announces', () => {
    const result = runWirefold(['feeds', 'parse', 'test/ingest/fixtures/site-page-not-feed.html']);
    expect(result.stderr + result.stdout).toMatch(/site-page-not-feed\.html is a web page; found its feed \S*\/blog\/feed\.xml/);
  });
});

describe('feeds add given a web page', () => {
  // The page announces /blog/feed.xml, which this server does not have.
  const server = createServer((request, response) => {
    if (request.url === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(fixture('site-page-not-feed.html'));
    response.writeHead(404).end();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('adds the feed the page announces, and says so when that feed cannot be read now', async () => {
    const { base } = await listenOnLoopback(server);
    const db = join(tempFolder(), 'add.db');
    // Run beside this process: the server here must answer it.
    const { status, stdout, stderr } = await runWirefoldBeside(['feeds', 'add', `${base}/`, '--db', db, '--allow-private-addresses']);
    expect(status).toBe(0);
    expect(stdout).toContain(`${base}/ is a web page; found its feed ${base}/blog/feed.xml`);
    expect(stderr.trim()).toBe(`note: could not read ${base}/blog/feed.xml now (HTTP 404 Not Found); added all the same`);
  });
});

describe('ingest of a feed that turned out to be a web page', () => {
  const server = createServer((request, response) => {
    if (request.url === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(fixture('site-page-not-feed.html'));
    if (request.url === '/blog/feed.xml') return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rss20.xml'));
    response.writeHead(404).end();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('moves to the feed the page announces, says so, and reads it on the next run', async () => {
    const { base } = await listenOnLoopback(server);
    const store = await openStore(join(tempFolder(), 'discover.db'));
    await upsertFeed(store, { url: `${base}/` });
    const first = await ingestFeeds(store, { allowPrivateAddresses: true });
    expect(first.failures).toEqual([{ url: `${base}/`, error: `a web page, not a feed; found its feed ${base}/blog/feed.xml and moved to it`, refused: false }]);
    expect((await listFeeds(store)).map((feed) => feed.url)).toEqual([`${base}/blog/feed.xml`]);
    const second = await ingestFeeds(store, { allowPrivateAddresses: true });
    expect(second.added).toBe(3);
    expect(await countArticles(store)).toBe(3);
    await store.close();
  });
});
