// What a person sees of ingest: `feeds list` health after a run with failures, `feeds parse --json` with every field the
// issue names, exit 1 with one line on what cannot be read; and a changed item being picked up again for embedding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { ingestFeeds } from '../../src/ingest/ingest.ts';
import { saveEmbeddings, textsMissingEmbeddings } from '../../src/store/embeddings.ts';
import { runWirefold, tempFolder } from '../helpers.ts';
import { listenOnLoopback } from './loopback.ts';

// The test servers listen on 127.0.0.1, which the default network policy refuses.
const loopback = { allowPrivateAddresses: true };

let version = 1;
const feedBody = () => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Changing News</title>
<link>https://changing.example/</link>
<item><title>Launch moved to Friday</title><link>https://changing.example/launch</link><guid>launch</guid>
<description>${version === 1 ? 'The launch moved to Friday because of winds.' : 'The launch moved to Saturday: the winds did not drop.'}</description></item>
<item><title>Unchanged story</title><link>https://changing.example/other</link><guid>other</guid><description>Nothing new here.</description></item>
</channel></rss>`;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/changing.xml') {
      const etag = `"v${version}"`;
      if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
      return void response.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(feedBody());
    }
    if (request.url === '/broken.xml') return void response.writeHead(500).end();
    response.writeHead(404).end();
  });
  ({ base } = await listenOnLoopback(server));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('changed items', () => {
  it('updates an item whose words changed under the same guid, and it needs a new embedding', async () => {
    version = 1;
    const store = await openStore(join(tempFolder(), 'changed.db'));
    await upsertFeed(store, { url: `${base}/changing.xml` });
    expect((await ingestFeeds(store, loopback)).added).toBe(2);
    // Every text embedded (by the real cache table; the vector's values do not matter here).
    await saveEmbeddings(store, 'test-model', await (await textsMissingEmbeddings(store, 'test-model'))
      .map((task) => ({ contentHash: task.contentHash, vector: new Float32Array([1, 0]) })));
    expect(await textsMissingEmbeddings(store, 'test-model')).toEqual([]);

    version = 2;
    const second = await ingestFeeds(store, { ...loopback, force: true });
    expect(second).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
    const missing = await textsMissingEmbeddings(store, 'test-model');
    expect(missing.map((task) => task.summary)).toEqual(['The launch moved to Saturday: the winds did not drop.']);
    await store.close();
  });
});

describe('wirefold feeds', () => {
  it('list shows each feed\'s health after a run: status, HTTP code, items, failures and the last error', async () => {
    version = 1;
    const db = join(tempFolder(), 'health.db');
    const store = await openStore(db);
    await upsertFeed(store, { url: `${base}/changing.xml` });
    await upsertFeed(store, { url: `${base}/broken.xml`, title: 'Broken Feed' });
    await ingestFeeds(store, loopback);
    await store.close();

    const list = runWirefold(['feeds', 'list', '--db', db]);
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+health\s+http\s+items seen\s+last fetch\s+feed\s+last error$/);
    expect(lines.find((line) => line.includes('Changing News'))).toMatch(/^1\s+ok\s+200\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+Changing News$/);
    expect(lines.find((line) => line.includes('Broken Feed'))).toMatch(/^2\s+failing×1\s+500\s+0\s+.*Broken Feed\s+HTTP 500 Internal Server Error$/);
  });

  it('add says when a feed is already followed, and a removed feed added again is fetched again', async () => {
    version = 1;
    const db = join(tempFolder(), 'follow.db');
    const url = `${base}/changing.xml`;
    // The commands run while this process waits (spawnSync), so its server cannot answer them: without leave to reach
    // loopback, `feeds add` is refused the look at once and adds the URL as given, which is all these lines check.
    expect(runWirefold(['feeds', 'add', url, '--db', db]).stdout.trim()).toBe(`feed 1: ${url}`);
    expect(runWirefold(['feeds', 'add', url, '--db', db]).stdout.trim()).toBe(`feed 1: ${url} (already followed)`);
    // Another spelling of the same URL (scheme in capitals, a "." segment, a fragment) is the same feed.
    const respelled = `${url.replace('http://', 'HTTP://').replace('/changing.xml', '/./changing.xml')}#latest`;
    expect(runWirefold(['feeds', 'add', respelled, '--db', db]).stdout.trim()).toBe(`feed 1: ${url} (already followed)`);
    let store = await openStore(db);
    expect((await ingestFeeds(store, loopback)).added).toBe(2);
    await store.close();
    // A feed with articles is kept as a disabled record when removed; asking for it again must make it active again.
    expect(runWirefold(['feeds', 'remove', '1', '--db', db]).status).toBe(0);
    // Removed again: it said "removed feed 1" a second time.
    const again = runWirefold(['feeds', 'remove', '1', '--db', db]);
    expect({ status: again.status, stdout: again.stdout.trim() }).toEqual({ status: 0, stdout: `feed 1 is already off the source list (removed from the source list): ${url}` });
    expect(runWirefold(['feeds', 'export', '--db', db]).stdout).not.toContain(url);
    expect(runWirefold(['feeds', 'add', url, '--db', db]).stdout.trim()).toBe(`feed 1: ${url} (followed again: it had been removed or disabled)`);
    store = await openStore(db);
    version = 2;
    expect((await ingestFeeds(store, { ...loopback, force: true })).updated).toBe(1);
    await store.close();
    expect(runWirefold(['feeds', 'export', '--db', db]).stdout).toContain(url);
    // "-" is standard input to import, as it is standard output to export.
    const other = join(tempFolder(), 'other.db');
    const piped = runWirefold(['feeds', 'import', '-', '--db', other], { input: runWirefold(['feeds', 'export', '--db', db]).stdout });
    expect({ status: piped.status, stdout: piped.stdout.trim() }).toEqual({ status: 0, stdout: 'imported 1 feeds from -' });
    // "-" is standard output (it wrote a file named "-"); a missing folder is named, not the temporary file's ENOENT.
    const folder = tempFolder();
    const dash = runWirefold(['feeds', 'export', '-', '--db', db], { cwd: folder });
    expect(dash.stdout).toContain(url);
    expect(existsSync(join(folder, '-'))).toBe(false);
    const nowhere = runWirefold(['feeds', 'export', join(folder, 'no', 'list.opml'), '--db', db]);
    expect({ status: nowhere.status, stderr: nowhere.stderr.trim() }).toEqual({ status: 1,
      stderr: `wirefold feeds: cannot write ${join(folder, 'no', 'list.opml')}: no such folder ${join(folder, 'no')}` });
    expect(readdirSync(folder)).toEqual([]);
    // A file where a folder should be: the reason, not Node's ENOTDIR naming the temporary file.
    writeFileSync(join(folder, 'afile'), '');
    expect(runWirefold(['feeds', 'export', join(folder, 'afile', 'list.opml'), '--db', db]).stderr.trim()).toBe(
      `wirefold feeds: cannot write ${join(folder, 'afile', 'list.opml')}: a part of its path is a file, not a folder`);
  });

  it('parse --json prints every field ingest stores', () => {
    const result = runWirefold(['feeds', 'parse', 'test/ingest/fixtures/rss20.xml', '--json']);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { feed: Record<string, unknown>; items: Record<string, unknown>[] };
    expect(parsed.feed).toMatchObject({ title: 'Example Times — Front page', link: 'https://www.example.com/', format: 'rss' });
    const item = parsed.items[0]!;
    expect(Object.keys(item)).toEqual(expect.arrayContaining(
      ['guid', 'title', 'url', 'originalUrl', 'published', 'author', 'summary', 'contentHtml', 'image', 'categories']));
    expect(item).toMatchObject({
      guid: 'example-times-48213',
      title: 'City council approves new café district',
      url: 'https://www.example.com/2026/11/18/cafe-district',
      originalUrl: 'https://www.example.com/2026/11/18/cafe-district',
      published: '2026-11-18T14:03:00.000Z',
      author: 'Maria Núñez',
      summary: 'The council voted 7–2 to approve the plan. Shops open next spring.',
      image: 'https://www.example.com/img/cafe.jpg',
      categories: ['Local', 'Politics'],
    });
    expect(item['contentHtml']).toContain('<a href="https://www.example.com/2026/11/18/cafe-district/map" rel="noopener nofollow ugc">');
  });

  it('parse exits 1 with a one-line reason on what it cannot read: a missing file, an empty file, a dead URL', async () => {
    // A port that was just free: listen, note it, close, so the connection is refused at once.
    const closed = createServer();
    const { port: deadPort } = await listenOnLoopback(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const folder = tempFolder();
    const empty = join(folder, 'empty.xml');
    writeFileSync(empty, '');
    const cases: [string, RegExp][] = [
      [join(folder, 'missing.xml'), /no such file/],
      [empty, /the feed is empty/],
      [`http://127.0.0.1:${deadPort}/feed.xml`, /connection refused/],
    ];
    for (const [target, reason] of cases) {
      const result = runWirefold(['feeds', 'parse', target, '--allow-private-addresses']);
      expect(result.status, target).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, target).toHaveLength(1);
      expect(lines[0], target).toMatch(reason);
    }
  });
});
