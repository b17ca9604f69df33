// Kind 5 of issue 13: bodies are not lost (nested CDATA, text only in Media RSS, prefixed XHTML).
import { describe, expect, it } from 'vitest';
import { splitCdata } from '../../src/ingest/formats/cdata.ts';
import { itemByGuid, parseFixture } from './load.ts';

describe('CDATA inside CDATA', () => {
  const feed = parseFixture('nested-cdata-close-tag-inside.rss');

  it('keeps a body whose CDATA holds a close tag and a nested section', () => {
    const item = itemByGuid(feed, 't-1');
    // The raw </description> is an HTML end tag in the body (dropped); what matters is that the body goes on after it.
    expect(item.summary).toBe('Wrap HTML like this: <description><b>hi</b> Then validate it.');
    expect(item.contentHtml).toContain('<p>Then validate it.</p>');
  });

  it('reads the ]]]]><![CDATA[> split the XML way, and the next item normally', () => {
    expect(itemByGuid(feed, 't-2').summary).toBe('The end marker ]]> must be split.');
    expect(itemByGuid(feed, 't-3').summary).toBe('Still here.');
  });

  it('ends an unbalanced section at the first ]]>, as XML does', () => {
    expect(splitCdata('<![CDATA[a <![CDATA[ b]]> c')).toEqual([
      { text: 'a <![CDATA[ b', cdata: true },
      { text: ' c', cdata: false },
    ]);
  });
});

describe('Media RSS descriptions', () => {
  const feed = parseFixture('media-description-rss.rss');

  it('are the summary when the item has no other text, wherever they sit', () => {
    expect(itemByGuid(feed, 'c-1')).toMatchObject({ summary: 'A clip about tides. Second line.', image: 'https://clips.example/1.jpg' });
    expect(itemByGuid(feed, 'c-1').contentHtml).toBe('A clip about tides.<br />Second line.');
    expect(itemByGuid(feed, 'c-2')).toMatchObject({ summary: 'Harbour timelapse & more.', image: 'https://clips.example/2.jpg' });
    expect(itemByGuid(feed, 'c-3')).toMatchObject({ summary: 'Fish market', contentHtml: '<p>Fish <b>market</b></p>' });
  });

  it('give way to the RSS description', () => {
    expect(itemByGuid(feed, 'c-4').summary).toBe('The RSS description.');
  });
});

describe('other description elements', () => {
  it('itunes:summary, itunes:subtitle and dc:description are the summary when there is no description', () => {
    const feed = parseFixture('podcast-itunes-summary.rss');
    expect(feed.items.map((item) => item.summary)).toEqual(['We talk about tides & moons.', 'A short subtitle.', 'Described by DC.']);
  });
});

describe('XHTML content with a prefix', () => {
  const feed = parseFixture('xhtml-prefixed-content.atom');

  it('keeps the markup and does not glue the sentences together', () => {
    const item = itemByGuid(feed, 'urn:x:1');
    expect(item.contentHtml).toBe('<p>First sentence.</p><p>Second <a href="https://x.example/more" rel="noopener nofollow ugc">sentence</a>.</p>');
    expect(item.summary).toBe('First sentence. Second sentence.');
  });

  it('reads a prefix declared on the div itself', () => {
    expect(itemByGuid(feed, 'urn:x:2')).toMatchObject({ summary: 'One Two', contentHtml: '<ul><li>One</li><li>Two</li></ul>' });
  });
});
