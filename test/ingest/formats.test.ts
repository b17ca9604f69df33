import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/parse.ts';
import { FeedParseError } from '../../src/ingest/types.ts';
import { FEED_URL, NOW, parseFixture } from './load.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('RSS 2.0', () => {
  const feed = parseFixture('rss20.xml');

  it('reads the channel', () => {
    expect(feed).toMatchObject({
      title: 'Example Times — Front page',
      link: 'https://www.example.com/',
      format: 'rss',
      formatVersion: '2.0',
      ttlMinutes: 30,
      warnings: [],
    });
    expect(feed.items).toHaveLength(3);
  });

  it('reads an item with content:encoded, dc:creator and categories', () => {
    const item = feed.items[0]!;
    expect(item.guid).toBe('example-times-48213');
    expect(item.title).toBe('City council approves new café district');
    expect(item.url).toBe('https://www.example.com/2026/11/18/cafe-district');
    expect(item.published).toBe('2026-11-18T14:03:00.000Z');
    expect(item.dateFlag).toBeNull();
    expect(item.author).toBe('Maria Núñez');
    expect(item.categories).toEqual(['Local', 'Politics']);
    // The description is the summary (tags stripped); content:encoded is the body.
    expect(item.summary).toBe('The council voted 7–2 to approve the plan. Shops open next spring.');
    expect(item.contentHtml).toContain('<a href="https://feeds.example.com/2026/11/18/cafe-district/map" rel="noopener nofollow ugc">the map</a>');
    // An audio enclosure is not an image; the content's first <img> is.
    expect(item.image).toBe('https://feeds.example.com/img/cafe.jpg');
  });

  it('takes the name out of an "email (Name)" author, and a permalink guid as the link', () => {
    expect(feed.items[1]!.author).toBe('Sam Rain');
    expect(feed.items[2]!.url).toBe('https://www.example.com/2026/11/16/permalink-only');
  });
});

describe('RSS 0.91', () => {
  it('accepts the Netscape DOCTYPE and recovers the entities its DTD defined', () => {
    const feed = parseFixture('rss091.xml');
    expect(feed.formatVersion).toBe('0.91');
    expect(feed.items.map((i) => i.title)).toEqual(['Café reopens', 'Second story']);
    expect(feed.items[0]!.summary).toBe('The café on Main Street is back.');
    expect(feed.warnings.join('\n')).toMatch(/&eacute;/);
  });
});

describe('RSS 1.0 (RDF)', () => {
  const feed = parseFixture('rss10.xml');

  it('reads items beside the channel, with Dublin Core', () => {
    expect(feed).toMatchObject({ format: 'rdf', formatVersion: '1.0', title: 'Slashy' });
    const item = feed.items[0]!;
    expect(item).toMatchObject({
      guid: 'https://slashy.example.net/story/1',
      title: 'Kernel 9.0 released',
      url: 'https://slashy.example.net/story/1',
      originalUrl: 'https://slashy.example.net/story/1?utm_source=rss',
      published: '2026-11-18T08:30:00.000Z',
      author: 'timothy',
      categories: ['linux'],
      contentHtml: '<p>Full <em>story</em> text.</p>',
    });
  });
});

describe('Atom 0.3', () => {
  const feed = parseFixture('atom03.xml');

  it('reads issued/modified, escaped content and the feed author', () => {
    expect(feed).toMatchObject({ format: 'atom', formatVersion: '0.3', title: 'Diary Zero Three', link: 'http://diary.example.org/' });
    expect(feed.items[0]).toMatchObject({
      guid: 'tag:diary.example.org,2026:hello',
      published: '2026-11-18T14:00:00.000Z',
      updated: '2026-11-18T10:00:00.000Z',
      author: 'Dee',
      summary: 'A short note.',
      contentHtml: '<p>Escaped <strong>HTML</strong> body.</p>',
    });
  });

  it('decodes base64 content', () => {
    expect(feed.items[1]!.contentHtml).toBe('<p>Base64 body</p>');
  });
});

describe('Atom 1.0 with xml:base', () => {
  const feed = parseFixture('atom10-xml-base.xml');

  it('resolves the feed link against the feed-level xml:base', () => {
    expect(feed).toMatchObject({ formatVersion: '1.0', title: 'Base Camp', link: 'https://blog.example.com/' });
  });

  it('resolves entry links and content through xml:base on feed, entry and content', () => {
    const [first, second] = feed.items;
    expect(first!.url).toBe('https://blog.example.com/posts/relative');
    expect(first!.title).toBe('Relative links');
    expect(first!.contentHtml).toContain('href="https://blog.example.com/posts/relative/figure-1"');
    expect(first!.image).toBe('https://blog.example.com/posts/relative/img/one.png');
    expect(first!.categories).toEqual(['Web dev', 'xml']);
    expect(first!.updated).toBe('2026-11-18T09:00:00.000Z');
    expect(second!.url).toBe('https://other.example.net/archive/2026/entry-base');
    expect(second!.contentHtml).toContain('href="https://other.example.net/archive/more"');
    expect(second!.image).toBe('https://other.example.net/archive/cover.png');
    // Only <updated>: it stands in for the publication date.
    expect(second!.published).toBe('2026-11-17T08:00:00.000Z');
  });
});

describe('JSON Feed', () => {
  it('reads 1.0: author object, numeric id, content_text escaped', () => {
    const feed = parseFixture('jsonfeed10.json');
    expect(feed).toMatchObject({ format: 'json', formatVersion: '1.0', title: "Jason's Notes" });
    expect(feed.items[0]).toMatchObject({
      guid: '1001',
      url: 'https://feeds.example.com/2026/11/first',
      author: 'Jason',
      image: 'https://notes.example.org/img/first.jpg',
      categories: ['notes', 'json'],
      published: '2026-11-18T18:00:00.000Z',
    });
    expect(feed.items[0]!.contentHtml).toBe('Plain text with &lt;angle&gt; brackets &amp; ampersands.<br />Second line.');
  });

  it('reads 1.1: authors array, sanitized content_html, image attachment, untitled item', () => {
    const feed = parseFixture('jsonfeed11.json');
    expect(feed.formatVersion).toBe('1.1');
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      author: 'Mia',
      summary: 'A hello post.',
      url: 'https://micro.example.com/2026/11/18/a',
      image: 'https://micro.example.com/a.jpg',
      updated: '2026-11-18T11:00:00.000Z',
    });
    expect(first!.contentHtml).not.toContain('script');
    expect(second!.url).toBe('https://elsewhere.example.net/story');
    expect(second!.title).toBe('A status update without any title, long enough that the title must be cut at a…');
  });

  it('refuses JSON that is not a feed, and broken JSON, in plain words', () => {
    expect(() => parseFeed(bytes('{"hello": "world"}'), { url: FEED_URL })).toThrow(/not a feed/);
    expect(() => parseFeed(bytes('{"version": "https://jsonfeed.org/version/1.1", "items": ['), { url: FEED_URL })).toThrow(FeedParseError);
  });
});

describe('format detection', () => {
  it('recognises Atom with a prefixed namespace', () => {
    const atom = `<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>P</a:title><a:entry><a:id>1</a:id><a:title>T</a:title><a:link href="https://p.example/1"/></a:entry></a:feed>`;
    const feed = parseFeed(bytes(atom), { url: FEED_URL, now: NOW });
    expect(feed.format).toBe('atom');
    expect(feed.items[0]).toMatchObject({ guid: '1', title: 'T', url: 'https://p.example/1' });
  });

  it('says plainly when the document is an HTML page or unknown XML', () => {
    expect(() => parseFeed(bytes('<!DOCTYPE html><html><body>Hi</body></html>'), { url: FEED_URL })).toThrow('not a feed: this is an HTML page');
    expect(() => parseFeed(bytes('<?xml version="1.0"?><note>x</note>'), { url: FEED_URL })).toThrow(/root element is <note>/);
    expect(() => parseFeed(new Uint8Array(), { url: FEED_URL })).toThrow('the feed is empty');
    // Prose whose first "<" opens a link is named by how it starts, not by a "root element" <http:>.
    expect(() => parseFeed(bytes('# Notes\nSee <https://example.com/> for more.\n'), { url: FEED_URL })).toThrow('not a feed: it starts with "# Notes", not XML or JSON');
  });

  it('uses atom:updated on an RSS item without pubDate, and skips items with nothing in them', () => {
    const rss = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>U</title>
      <item><title>Changed</title><atom:updated>2026-11-18T14:03:00Z</atom:updated></item><item> </item></channel></rss>`;
    const feed = parseFeed(bytes(rss), { url: FEED_URL, now: NOW });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ published: '2026-11-18T14:03:00.000Z', updated: '2026-11-18T14:03:00.000Z', dateFlag: null });
    expect(feed.warnings).toEqual(['skipped 1 empty item(s)']);
  });

  it('reports a feed without items as a warning, not an error', () => {
    const feed = parseFeed(bytes('<rss version="2.0"><channel><title>Quiet</title></channel></rss>'), { url: FEED_URL });
    expect(feed.items).toEqual([]);
    expect(feed.warnings).toContain('the feed has no items');
  });
});
