// Kind 1 of issue 13: text constructs are decoded exactly once and never tag-stripped; html ones are decoded once and
// turned into text. (text-title-angle-brackets.atom itself is in cases.test.ts.)
import { describe, expect, it } from 'vitest';
import { keepNonHtmlAngles, titleText } from '../../src/ingest/normalize/html.ts';
import { parseFixture } from './load.ts';

describe('RSS titles with escaped or CDATA angle brackets', () => {
  const feed = parseFixture('rss-title-escaped-angle-brackets.rss');

  it('keeps what is not an HTML tag and drops what is', () => {
    expect(feed.title).toBe('C++ <questions>');
    expect(feed.items.map((item) => item.title)).toEqual([
      'Why is std::vector<bool> slower?',
      'Generics: List<T> and Map<K, V>',
      'If a < b && c > d',
      'Bold news today',
      '<<<Placeholder>>>',
      'Safe title',
    ]);
  });
});

describe('Atom title types', () => {
  const feed = parseFixture('atom-text-construct-types.atom');

  it('decodes text once, html once then drops its tags, reads xhtml as markup', () => {
    expect(feed.title).toBe('Typed titles');
    expect(feed.items.map((item) => item.title)).toEqual([
      'AT&amp;T is written AT&amp;amp;T in HTML',
      'Breaking: the <blink> tag returns',
      'Inline xhtml <title>',
      'Templates: Array<T> vs T[]',
      'Line breaks collapse',
    ]);
  });

  it('reads an untyped summary with no HTML tag in it as text', () => {
    expect(feed.items[3]!.summary).toBe('Prefer <T extends object> here.');
    expect(feed.items[3]!.contentHtml).toBe('Prefer &lt;T extends object&gt; here.');
  });
});

describe('JSON Feed titles', () => {
  it('are plain text: nothing decoded, nothing stripped', () => {
    const feed = parseFixture('json-feed-text-title.json');
    expect(feed.title).toBe('Types &amp; <Generics>');
    expect(feed.items[0]!.title).toBe('Option<T> &amp; Result<T, E>');
  });
});

describe('titleText', () => {
  it('reads each type once', () => {
    expect(titleText('a &amp;lt; b', 'text')).toBe('a &amp;lt; b');
    expect(titleText('a &amp;lt; b', 'html')).toBe('a &lt; b');
    expect(titleText('<p>x</p><bool>', 'html')).toBe('x');
    expect(titleText('<p>x</p><bool>', 'loose')).toBe('x <bool>');
  });

  it('keeps only known HTML tags as tags in loose text', () => {
    expect(keepNonHtmlAngles('<b>x</b> <bold> <a href="y">z</a> <!-- c --> <br/>')).toBe(
      '<b>x</b> &lt;bold> <a href="y">z</a> <!-- c --> <br/>',
    );
  });
});
