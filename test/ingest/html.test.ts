import { describe, expect, it } from 'vitest';
import { cleanTitle, plainText, sanitizeHtml, summarize } from '../../src/ingest/normalize/html.ts';
import { itemByGuid, parseFixture } from './load.ts';

describe('hostile HTML', () => {
  const item = itemByGuid(parseFixture('hostile-html.xml'), 'hostile-1');
  const html = item.contentHtml;

  it('removes scripts, styles, frames, forms, objects, embeds and svg', () => {
    for (const banned of ['<script', '<style', 'display:none', '<iframe', 'iframe fallback', '<form', '<input', '<object', '<embed', '<svg', 'document.cookie']) {
      expect(html).not.toContain(banned);
    }
  });

  it('removes event handlers, style attributes and unsafe link and image schemes', () => {
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/javascript:|data:/i);
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain('<img src="https://feeds.example.com/path/x.png" />');
  });

  it('resolves safe links, keeps mailto, and marks every link noopener nofollow ugc', () => {
    expect(html).toMatch(/<a [^>]*href="https:\/\/feeds\.example\.com\/safe\/page"[^>]*>safe<\/a>/);
    expect(html).toMatch(/<a [^>]*href="mailto:editor@hostile\.example\.com"[^>]*>mail<\/a>/);
    expect(html).not.toContain('target=');
    const anchors = html.match(/<a [^>]*>/g) ?? [];
    expect(anchors.length).toBe(5);
    for (const anchor of anchors) expect(anchor).toContain('rel="noopener nofollow ugc"');
  });

  it('reduces a script-laden title to its plain text', () => {
    expect(item.title).toBe('Innocent title');
    expect(item.summary).toBe('Hello click again data safe mail');
  });
});

describe('sanitizeHtml', () => {
  it('replaces a feed-provided rel and drops images without a usable source', () => {
    const html = sanitizeHtml('<a href="https://x.example/" rel="me">x</a><img src="data:image/png;base64,AA">', 'https://b.example/');
    expect(html).toMatch(/^<a [^>]+>x<\/a>$/);
    expect(html).toContain(' href="https://x.example/"');
    expect(html).toContain(' rel="noopener nofollow ugc"');
  });
});

describe('plainText and summarize', () => {
  it('separates blocks and decodes entities', () => {
    expect(plainText('<p>One&nbsp;&amp;</p><p>two<br>three</p><script>nope()</script>')).toBe('One & two three');
  });

  it('cuts at a whole word with an ellipsis, within the limit', () => {
    const text = 'alpha beta gamma delta epsilon';
    expect(summarize(text, 300)).toBe(text);
    expect(summarize(text, 14)).toBe('alpha beta…');
    expect(summarize(text, 14).length).toBeLessThanOrEqual(14);
    const long = 'word '.repeat(200);
    const summary = summarize(long, 300);
    expect(summary.length).toBeLessThanOrEqual(300);
    expect(summary).toMatch(/ word…$/);
    expect(summarize('x'.repeat(400), 300)).toHaveLength(300);
  });
});

describe('titles', () => {
  const feed = parseFixture('double-escaped-titles.xml');

  it('decodes double escaping, numeric references, strips tags and collapses whitespace', () => {
    expect(feed.title).toBe('Escapes & Co');
    expect(feed.items.slice(0, 5).map((i) => i.title)).toEqual([
      'Tom & Jerry',
      'It’s fine',
      'It’s doubly fine',
      'Bold and spaced',
      'CDATA & italic',
    ]);
  });

  it('falls back to the start of the summary, cut at a whole word', () => {
    const untitled = feed.items[5]!;
    expect(untitled.title).toBe('No title here, so the title comes from this summary, which is long enough to…');
    expect(untitled.title.length).toBeLessThanOrEqual(80);
  });

  it('leaves a lone "<" or "&" alone', () => {
    expect(cleanTitle('x < y & AT&T')).toBe('x < y & AT&T');
  });
});

describe('main image', () => {
  it('prefers media:content and media:thumbnail over content images', () => {
    const feed = parseFixture('media-thumbnail.xml');
    expect(feed.items.map((i) => i.image)).toEqual([
      'https://media.example.com/thumb1.jpg',
      'https://media.example.com/big2.jpg',
      'https://media.example.com/v3.jpg', // the video itself is not an image; its thumbnail is
      'https://feeds.example.com/path/pics/inline4.png', // the 1×1 tracking pixel is skipped
    ]);
  });

  it('takes an image enclosure, never an audio one', () => {
    const feed = parseFixture('enclosure-image.xml');
    expect(feed.items.map((i) => i.image)).toEqual(['https://feeds.example.com/photos/day.jpg', null]);
  });
});
