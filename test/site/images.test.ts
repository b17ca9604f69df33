// Story pictures on a real store, fetched from a real HTTP server on loopback: the choice of picture, the cache
// (fetched once, two WebP sizes), bad images skipped with a note and never a crash, the network policy, the pruning.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { saveMemberships, updateStory } from '../../src/store/stories.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { imageKey, prepareImages, publishImages } from '../../src/site/image-cache.ts';
import { storyImageCandidates, storyPicture } from '../../src/site/story-image.ts';
import { SiteData } from '../../src/site/data.ts';
import { readSite } from '../../src/store/site-reads.ts';
import { listenOnLoopback } from '../ingest/loopback.ts';
import { sqliteDb, tempFolder } from '../helpers.ts';

const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
const tiny = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000' } }).png().toBuffer();
// 10,000 × 10,000 pixels of one colour: a few hundred KB of PNG that would decode to 300 MB.
const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer();
const bodies: Record<string, [string, Buffer]> = {
  '/photo.jpg': ['image/jpeg', photo],
  '/unlabelled.jpg': ['application/octet-stream', photo],
  '/page.html': ['text/html; charset=utf-8', Buffer.from('<!doctype html><p>Not a picture</p>')],
  '/broken.jpg': ['image/jpeg', Buffer.concat([photo.subarray(0, 600), Buffer.alloc(2000, 7)])],
  '/tiny.png': ['image/png', tiny],
  '/bomb.png': ['image/png', bomb],
  '/huge.jpg': ['image/jpeg', Buffer.alloc(9 * 1024 * 1024, 1)],
  '/drawing.svg': ['image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450"><rect width="800" height="450"/></svg>')],
};
const requests = new Map<string, number>();
const server = createServer((request, response) => {
  const path = request.url ?? '/';
  requests.set(path, (requests.get(path) ?? 0) + 1);
  const body = bodies[path];
  if (!body) return void response.writeHead(404).end('not found');
  response.writeHead(200, { 'content-type': body[0], 'content-length': body[1].byteLength }).end(body[1]);
});
const { base } = await listenOnLoopback(server);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const item = (guid: string, image: string | null, published: string): FeedItem => ({
  guid, title: `Headline ${guid}`, url: `https://news.example/${guid}`, originalUrl: null, published, updated: null, dateFlag: null,
  author: null, summary: `Summary ${guid}.`, contentHtml: '', image, categories: [],
});

/** One story per entry, its first item the lead. */
async function addStories(store: Store, stories: Record<string, FeedItem[]>): Promise<void> {
  const now = '2026-11-20T00:00:00Z';
  const feed = await upsertFeed(store, { url: 'https://news.example/feed.xml', title: 'News' });
  for (const [storyId, members] of Object.entries(stories)) {
    await saveFeedItems(store, feed, members, now);
    const ids = members.map((entry) => (sqliteDb(store).prepare('SELECT id FROM articles WHERE canonical_url = ?').get(entry.url) as { id: number }).id);
    await saveMemberships(store, ids.map((articleId) => ({ articleId, storyId })), now);
    const times = members.map((entry) => entry.published!).sort();
    await updateStory(store, { id: storyId, title: members[0]!.title, leadArticleId: ids[0]!, score: 0, firstPublishedAt: times[0]!,
      lastPublishedAt: times.at(-1)!, articleCount: ids.length, sourceCount: 1 }, now);
  }
}

const folder = tempFolder();
const storePath = join(folder, 'site.db');
const store = await openStore(storePath);
await addStories(store, {
  // The lead's picture is broken; the other member's is good: the story shows the other one.
  fallback: [item('a1', `${base}/broken.jpg`, '2026-11-19T08:00:00Z'), item('a2', `${base}/photo.jpg`, '2026-11-19T09:00:00Z')],
  'not-images': [item('b1', `${base}/page.html`, '2026-11-19T10:00:00Z'), item('b2', `${base}/drawing.svg`, '2026-11-19T10:30:00Z'),
    item('b3', `${base}/missing.jpg`, '2026-11-19T11:00:00Z')],
  sizes: [item('c1', `${base}/tiny.png`, '2026-11-19T12:00:00Z'), item('c2', `${base}/bomb.png`, '2026-11-19T12:10:00Z'),
    item('c3', `${base}/huge.jpg`, '2026-11-19T12:20:00Z')],
  unlabelled: [item('d1', `${base}/unlabelled.jpg`, '2026-11-19T13:00:00Z')],
  none: [item('e1', null, '2026-11-19T14:00:00Z')],
});
await store.close();

describe('storyImageCandidates', () => {
  it("takes the lead's image first, then the others newest first, without repeats or non-web URLs", () => {
    const articles = [
      { id: 1, image: 'https://a.example/1.jpg', publishedAt: '2026-11-19T08:00:00Z' },
      { id: 2, image: 'javascript:alert(1)', publishedAt: '2026-11-19T09:00:00Z' },
      { id: 3, image: 'https://a.example/3.jpg', publishedAt: '2026-11-19T10:00:00Z' },
      { id: 4, image: 'https://a.example/1.jpg', publishedAt: '2026-11-19T11:00:00Z' },
      { id: 5, image: 'https://a.example/5.jpg', publishedAt: '2026-11-19T12:00:00Z' },
    ];
    expect(storyImageCandidates(3, articles)).toEqual(['https://a.example/3.jpg', 'https://a.example/5.jpg', 'https://a.example/1.jpg']);
    // No lead recorded: the first article stands in for it, as on the page.
    expect(storyImageCandidates(null, articles)[0]).toBe('https://a.example/1.jpg');
  });

  it('gives the picture the headline of the article it came with, and none in off mode', () => {
    const articles = [{ id: 1, image: null, publishedAt: '2026-11-19T08:00:00Z', title: 'Lead' },
      { id: 2, image: 'https://a.example/2.jpg', publishedAt: '2026-11-19T09:00:00Z', title: 'Second' }];
    expect(storyPicture(1, articles, 'hotlink', {})).toEqual({ key: null, url: 'https://a.example/2.jpg', alt: 'Second' });
    expect(storyPicture(1, articles, 'local', {})).toBeNull();
    expect(storyPicture(1, articles, 'off', {})).toBeNull();
  });
});

describe('prepareImages', () => {
  const cacheDir = join(folder, 'cache');
  const notes: string[] = [];
  const limits = { maxBytes: 2 * 1024 * 1024 };
  let first: Awaited<ReturnType<typeof prepareImages>>;

  it('keeps a copy of every good picture and skips each bad one with a one-line note', async () => {
    writeFileSync(join(folder, 'cache-stray-check'), ''); // beside the cache, not in it
    first = await prepareImages({ storePath, cacheDir, allowPrivateAddresses: true, limits, log: (line) => notes.push(line) });
    expect(first.manifest.local).toEqual({ [`${base}/photo.jpg`]: imageKey(`${base}/photo.jpg`), [`${base}/unlabelled.jpg`]: imageKey(`${base}/unlabelled.jpg`) });
    expect(first.fetched).toBe(2);
    const noteFor = (path: string) => notes.find((line) => line.includes(`${base}${path}:`));
    expect(noteFor('/broken.jpg')).toMatch(/not an image sharp can read|could not be decoded/);
    expect(noteFor('/page.html')).toContain('not an image (text/html)');
    expect(noteFor('/drawing.svg')).toContain('not a photograph format (svg)');
    expect(noteFor('/missing.jpg')).toContain('HTTP 404');
    expect(noteFor('/tiny.png')).toContain('too small to show (16×16)');
    expect(noteFor('/bomb.png')).toContain('too large');
    expect(noteFor('/huge.jpg')).toContain('larger than 2 MB');
    expect(notes.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('writes both sizes as WebP, cropped to 16:9', async () => {
    const key = imageKey(`${base}/photo.jpg`);
    for (const [width, height] of [[256, 144], [640, 360]]) {
      const metadata = await sharp(join(cacheDir, `${key}-${width}.webp`)).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', width, height]);
    }
  });

  it('fetches each image once: a second build reads the cache and does not ask again for the failures of the day', async () => {
    const before = new Map(requests);
    const second = await prepareImages({ storePath, cacheDir, allowPrivateAddresses: true, limits, log: () => {} });
    expect(second.manifest).toEqual(first.manifest);
    expect([second.fetched, second.cached]).toEqual([0, 2]);
    expect(requests).toEqual(before);
  });

  it('deletes cache entries no story uses, and nothing it did not name', async () => {
    const stray = imageKey('https://gone.example/old.jpg');
    for (const name of [`${stray}.json`, `${stray}-256.webp`, `${stray}-640.webp`, 'notes.txt']) writeFileSync(join(cacheDir, name), 'x');
    await prepareImages({ storePath, cacheDir, allowPrivateAddresses: true, limits, log: () => {} });
    const names = readdirSync(cacheDir);
    expect(names.filter((name) => name.startsWith(stray))).toEqual([]);
    expect(names).toContain('notes.txt');
  });

  it('says in one line that a cache it cannot make cannot be used (a file where its folder goes)', async () => {
    const blocked = join(folder, 'blocked.images');
    writeFileSync(blocked, 'a file, not a folder');
    await expect(prepareImages({ storePath, cacheDir: blocked, allowPrivateAddresses: true, limits, log: () => {} })).rejects.toThrow(
      `cannot use the picture cache ${blocked}: a part of its path is a file, not a folder (or build with --images hotlink or off)`);
  });

  it('refuses loopback image hosts under the default network policy, without failing', async () => {
    const refused: string[] = [];
    const summary = await prepareImages({ storePath, cacheDir: join(folder, 'cache-policy'), allowPrivateAddresses: false, log: (line) => refused.push(line) });
    expect(summary.manifest.local).toEqual({});
    expect(requests.get('/photo.jpg')).toBe(1);
    expect(refused[0]).toMatch(/refused: 127\.0\.0\.1 is a loopback address/);
    // One refusal marks the host: its other images are not tried in this build, nor in the next hour's.
    expect(summary.unreachable).toBeGreaterThan(0);
    const again: string[] = [];
    const next = await prepareImages({ storePath, cacheDir: join(folder, 'cache-policy'), allowPrivateAddresses: false, log: (line) => again.push(line) });
    expect(again).toEqual([]);
    expect(next.skipped).toBe(0);
    expect(next.unreachable).toBe(summary.unreachable + summary.skipped);
  });

  it('puts the copies into the site, and pages show the first candidate that has one', async () => {
    const site = join(folder, 'site');
    expect(publishImages(first.manifest, cacheDir, site)).toBe(2);
    const key = imageKey(`${base}/photo.jpg`);
    expect(existsSync(join(site, 'images', `${key}-256.webp`))).toBe(true);
    const reopened = await openStore(storePath, { readOnly: true });
    const data = new SiteData(await readSite(reopened), Date.parse('2026-11-20T00:00:00Z'), first.manifest);
    reopened.close();
    const pictureOf = (id: string) => data.storiesById.get(id)!.picture;
    expect(pictureOf('fallback')).toEqual({ key, url: `${base}/photo.jpg`, alt: 'Headline a2' });
    expect(pictureOf('not-images')).toBeNull();
    expect(pictureOf('none')).toBeNull();
  });
});
