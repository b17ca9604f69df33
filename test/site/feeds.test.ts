// The built demo site's machine-readable files, read by parsers that had no part in writing them: RSS 2.0 and Atom
// 1.0 through rss-parser (strict xml2js), JSON Feed 1.1 by its spec, the topics OPML and sitemap.xml through
// htmlparser2 in XML mode after a well-formedness check. Every link they carry must lead to a page that was built.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import { XMLValidator } from 'fast-xml-parser';
import { buildDemoSite, demoBuildTimeoutMs, distFileFor, filesUnder } from '../demo-site.ts';
import type { DemoSite } from '../demo-site.ts';
import { escapeText } from 'entities';
import { rssResponse } from '../../src/site/feeds/rss.ts';
import { atomXml } from '../../src/site/feeds/atom.ts';
import { jsonFeed } from '../../src/site/feeds/json-feed.ts';
import { storyEntry } from '../../src/site/feeds/channel.ts';
import type { FeedChannel, FeedEntry } from '../../src/site/feeds/channel.ts';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { saveMemberships, updateStory } from '../../src/store/stories.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { SiteData } from '../../src/site/data.ts';
import { readSite } from '../../src/store/site-reads.ts';
import { sqliteDb, tempFolder } from '../helpers.ts';

// RFC 822 as RSS 2.0 uses it (four-digit years, as every validator expects): "Tue, 18 Nov 2025 09:15:00 GMT".
const rfc822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|UT|[+-]\d{4})$/;
// RFC 3339 date-time: "2025-11-18T09:15:00Z", "2025-11-18T09:15:00.000+01:00".
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// The W3C Datetime profile sitemaps use for lastmod: a date, or a date and time with a zone.
const w3cDatetime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

let site: DemoSite;
let home: string;

const read = (file: string) => readFileSync(join(site.dist, file), 'utf8');
/** Topic slugs that have a page, from the built files. */
const topicSlugs = () => filesUnder(join(site.dist, 'topics'), (name) => name === 'index.html')
  .map((file) => file.split('/')).filter((parts) => parts.length === 2).map((parts) => parts[0]!);
/** The feeds of one kind, which must exist for the front page (at the root) and for every topic with a page. */
function feedFiles(name: string): string[] {
  const files = filesUnder(site.dist, (file) => file === name).filter((file) => file === name || file.startsWith('topics/'));
  expect(files).toContain(name);
  expect(files.filter((file) => file !== name).sort()).toEqual(topicSlugs().map((slug) => `topics/${slug}/${name}`).sort());
  return files;
}

/** A link that must be a built page of this site. */
function expectBuiltPage(url: string | undefined, what: string): void {
  expect(url, what).toBeTruthy();
  expect(url!.startsWith(home), `${what}: ${url} is not under ${home}`).toBe(true);
  const file = distFileFor(site, url!);
  expect(file !== null && existsSync(join(site.dist, file)), `${what}: ${url} has no built page`).toBe(true);
}

function xmlDocument(file: string) {
  const xml = read(file);
  expect(XMLValidator.validate(xml), `${file} is well-formed XML`).toBe(true);
  return parseDocument(xml, { xmlMode: true });
}

describe('the feeds, OPML and sitemap of the built demo site', () => {
  beforeAll(() => {
    site = buildDemoSite({ siteUrl: 'https://news.example.org', base: '/wire/' });
    home = new URL(site.base, site.siteUrl).href;
  }, demoBuildTimeoutMs + 30_000);

  it('writes RSS 2.0 for the front page and every topic, with RFC 822 dates, permanent guids and story links', async () => {
    const files = feedFiles('rss.xml');
    const parser = new Parser();
    for (const file of files) {
      const xml = read(file);
      expect(xml, file).toMatch(/<rss[^>]* version="2\.0"/);
      const feed = await parser.parseString(xml);
      expect(feed.title, file).toBeTruthy();
      expect(feed.description, file).toBeTruthy();
      expect(feed.link?.startsWith(home), `${file} channel link ${feed.link}`).toBe(true);
      expect(feed.items.length, file).toBeGreaterThan(0);
      for (const item of feed.items) {
        expect(item.title, file).toBeTruthy();
        expectBuiltPage(item.link, `${file} item link`);
        expect(item.guid, file).toMatch(/^wirefold-story-[0-9a-f]{10}$/);
        expect(item.pubDate, `${file}: ${item.title}`).toMatch(rfc822);
        expect(Number.isNaN(Date.parse(item.pubDate!)), item.pubDate).toBe(false);
        expect(item.content, `${file}: ${item.title} has content`).toBeTruthy();
      }
      expect(new Set(feed.items.map((item) => item.guid)).size, `${file} guids are unique`).toBe(feed.items.length);
    }
  });

  it('writes Atom 1.0 for the front page and every topic, with RFC 3339 dates and the required elements', async () => {
    const files = feedFiles('atom.xml');
    const parser = new Parser<{ id: string; updated: string }, { id: string; updated: string; published: string }>({
      customFields: { feed: ['id', 'updated'], item: ['id', 'updated', 'published'] },
    });
    for (const file of files) {
      const xml = read(file);
      expect(xml, file).toMatch(/<feed[^>]* xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
      const feed = await parser.parseString(xml);
      // RFC 4287 4.1.1: a feed has an id, a title and an updated date-time.
      expect(feed.id, file).toBeTruthy();
      expect(feed.title, file).toBeTruthy();
      expect(feed.updated, file).toMatch(rfc3339);
      expect(feed.items.length, file).toBeGreaterThan(0);
      for (const entry of feed.items) {
        expect(entry.id, file).toBeTruthy();
        expect(entry.title, file).toBeTruthy();
        expect(entry.updated, `${file}: ${entry.title}`).toMatch(rfc3339);
        if (entry.published) expect(entry.published, `${file}: ${entry.title}`).toMatch(rfc3339);
        expectBuiltPage(entry.link, `${file} entry link`);
      }
      expect(new Set(feed.items.map((entry) => entry.id)).size, `${file} ids are unique`).toBe(feed.items.length);
    }
  });

  it('writes JSON Feed 1.1 for the front page and every topic', () => {
    const files = feedFiles('feed.json');
    for (const file of files) {
      const feed = JSON.parse(read(file)) as Record<string, unknown>;
      expect(feed['version'], file).toBe('https://jsonfeed.org/version/1.1');
      expect(typeof feed['title'] === 'string' && feed['title'] !== '', `${file} title`).toBe(true);
      expectBuiltPage(feed['home_page_url'] as string, `${file} home_page_url`);
      expect(feed['feed_url'], file).toBe(new URL(file, home).href);
      const items = feed['items'] as Record<string, unknown>[];
      expect(Array.isArray(items) && items.length > 0, `${file} items`).toBe(true);
      for (const item of items) {
        // The spec: id is a string, unique within the feed; content_html or content_text is required.
        expect(typeof item['id'], file).toBe('string');
        expect(item['title'], file).toBeTruthy();
        expectBuiltPage(item['url'] as string, `${file} item url`);
        expect(typeof (item['content_html'] ?? item['content_text']), `${file}: ${String(item['title'])} has content`).toBe('string');
        expect(item['date_published'], `${file}: ${String(item['title'])}`).toMatch(rfc3339);
        if (item['date_modified'] !== undefined) expect(item['date_modified'], file).toMatch(rfc3339);
      }
      expect(new Set(items.map((item) => item['id'])).size, `${file} ids are unique`).toBe(items.length);
    }
  });

  it('lists the front page’s feed and every topic feed in the topics OPML', () => {
    const document = xmlDocument('topics.opml');
    const opml = DomUtils.getElementsByTagName('opml', document)[0];
    expect(opml?.attribs['version']).toMatch(/^(1\.0|2\.0)$/);
    expect(DomUtils.textContent(DomUtils.getElementsByTagName('title', document)[0]!).trim()).not.toBe('');
    const outlines = DomUtils.getElementsByTagName('outline', document).filter((outline) => outline.attribs['xmlUrl']);
    for (const outline of outlines) {
      expect(outline.attribs['type']).toBe('rss');
      expect(outline.attribs['text'], outline.attribs['xmlUrl']).toBeTruthy();
      expectBuiltPage(outline.attribs['htmlUrl'], `OPML htmlUrl of ${outline.attribs['text']}`);
    }
    const listed = outlines.map((outline) => outline.attribs['xmlUrl']).sort();
    const expected = [new URL('rss.xml', home).href, ...topicSlugs().map((slug) => new URL(`topics/${slug}/rss.xml`, home).href)].sort();
    expect(listed).toEqual(expected);
    for (const url of listed) expect(existsSync(join(site.dist, distFileFor(site, url!)!)), url).toBe(true);
  });

  it('writes a sitemaps.org sitemap with every story and topic page, on the public URL', () => {
    const document = xmlDocument('sitemap.xml');
    const root = DomUtils.findOne(() => true, document.children, false);
    expect(root?.name).toBe('urlset');
    expect(root?.attribs['xmlns']).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    const entries = DomUtils.getElementsByTagName('url', document).map((url) => {
      const child = (name: string) => DomUtils.getElementsByTagName(name, url)[0];
      return { loc: child('loc') && DomUtils.textContent(child('loc')!).trim(), lastmod: child('lastmod') && DomUtils.textContent(child('lastmod')!).trim() };
    });
    expect(entries.length).toBeLessThanOrEqual(50_000);
    for (const entry of entries) {
      expectBuiltPage(entry.loc, 'sitemap loc');
      expect(entry.loc!.length).toBeLessThanOrEqual(2048);
      if (entry.lastmod) expect(entry.lastmod, entry.loc).toMatch(w3cDatetime);
    }
    const locs = new Set(entries.map((entry) => entry.loc));
    expect(locs.size, 'no URL listed twice').toBe(entries.length);
    // A merged story's old address is a redirect page: it has nothing of its own to index.
    const pages = filesUnder(site.dist, (name) => name === 'index.html')
      .filter((file) => /^(stories|topics)\/[^/]+\/index\.html$/.test(file) && !/http-equiv="refresh"/i.test(read(file)))
      .map((file) => new URL(file.replace(/index\.html$/, ''), home).href);
    expect(pages.length).toBeGreaterThan(20);
    expect(pages.filter((page) => !locs.has(page)), 'story and topic pages missing from the sitemap').toEqual([]);
    expect(locs.has(home), 'the home page').toBe(true);
  });
});

describe('an outlet\'s text in the feeds', () => {
  const entry = (summary: string): FeedEntry => ({
    guid: 'wirefold-story-0123456789', atomId: 'tag:news.example.org,2026:story-0123456789', title: 'Airport <b>closed</b>',
    url: 'https://news.example.org/stories/0123456789/', externalUrl: null, summary, contentHtml: '<p>coverage</p>',
    published: '2026-12-01T08:00:00.000Z', updated: '2026-12-01T09:00:00.000Z', topics: [],
  });
  const channel = (summary: string): FeedChannel => ({
    title: 'Wirefold', description: 'Top stories', homeUrl: 'https://news.example.org/', atomId: 'tag:news.example.org,2026:home',
    urls: { rss: 'https://news.example.org/rss.xml', atom: 'https://news.example.org/atom.xml', json: 'https://news.example.org/feed.json' },
    updated: '2026-12-01T09:00:00.000Z', entries: [entry(summary)],
  });
  const hostile = 'Reykjavik closed the airport <img src=x onerror=alert(1)> overnight & more';

  // RSS has no type for a description and readers render it as HTML: a plain-text summary must reach them escaped.
  it('reaches an RSS reader as text, never as markup it would run', async () => {
    const item = (await new Parser().parseString(await (await rssResponse(channel(hostile))).text())).items[0]!;
    expect(item.content).toBe(escapeText(hostile));
    expect(DomUtils.findAll((node) => node.name === 'img', parseDocument(item.content!).children)).toEqual([]);
    expect(parseDocument(item.content!).children.map((node) => DomUtils.textContent(node)).join('')).toBe(hostile);
  });

  it('leaves out a summary the story does not have, in every format', async () => {
    expect(await (await rssResponse(channel(''))).text()).not.toContain('<description></description>');
    expect((await new Parser().parseString(await (await rssResponse(channel(''))).text())).items[0]!.content).toBeUndefined();
    expect(atomXml(channel(''))).not.toContain('<summary');
    expect(JSON.parse(JSON.stringify(jsonFeed(channel('')))).items[0]).not.toHaveProperty('summary');
    expect(atomXml(channel(hostile))).toContain('<summary type="text">Reykjavik closed the airport &lt;img src=x onerror=alert(1)&gt; overnight &amp; more</summary>');
  });
});

// A corrected headline kept the entry's updated (its newest article's date), so feed readers that show an entry again
// by Atom's <updated> or JSON Feed's date_modified never showed the correction (a newcomer's trial).
describe('a story entry\'s updated', () => {
  it('is its newest article\'s date, and moves to when an outlet revised one of its articles', async () => {
    const store = await openStore(join(tempFolder(), 'revised.db'));
    const feed = await upsertFeed(store, { url: 'https://quake.example/feed.xml', title: 'Quake Wire' });
    const item = (guid: string, title: string, published: string): FeedItem => ({ guid, title, url: `https://quake.example/${guid}`,
      originalUrl: null, published, updated: null, dateFlag: null, author: null, summary: `${title}.`, contentHtml: '', image: null, categories: [] });
    await saveFeedItems(store, feed, [item('a', 'Quake hits coast & town', '2026-12-02T09:00:00Z'), item('b', 'Aftershocks follow quake', '2026-12-02T10:00:00Z')], '2026-12-02T10:05:00.000Z');
    const ids = (sqliteDb(store).prepare('SELECT id FROM articles ORDER BY id').all() as { id: number }[]).map((row) => row.id);
    await saveMemberships(store, ids.map((articleId) => ({ articleId, storyId: 'quake' })), '2026-12-02T10:05:00.000Z');
    await updateStory(store, { id: 'quake', title: 'Quake hits coast & town', leadArticleId: ids[0]!, score: 1, firstPublishedAt: '2026-12-02T09:00:00Z',
      lastPublishedAt: '2026-12-02T10:00:00Z', articleCount: 2, sourceCount: 1 }, '2026-12-02T10:05:00.000Z');
    const entry = async () => storyEntry(new SiteData(await readSite(store), Date.parse('2026-12-02T12:00:00Z')).stories[0]!, undefined);
    expect((await entry()).updated).toBe('2026-12-02T10:00:00.000Z');
    // The same item again, unchanged, a fetch later: nothing was revised.
    await saveFeedItems(store, feed, [item('a', 'Quake hits coast & town', '2026-12-02T09:00:00Z')], '2026-12-02T10:20:00.000Z');
    expect((await entry()).updated).toBe('2026-12-02T10:00:00.000Z');
    await saveFeedItems(store, feed, [item('a', 'Magnitude 7.1 earthquake hits coast town, hundreds displaced', '2026-12-02T09:00:00Z')], '2026-12-02T11:30:00.000Z');
    const revised = await entry();
    expect(revised.contentHtml).toContain('Magnitude 7.1 earthquake');
    expect(revised.updated).toBe('2026-12-02T11:30:00.000Z');
    expect(revised.published).toBe('2026-12-02T09:00:00.000Z');
    await store.close();
  });
});
