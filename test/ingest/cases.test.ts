// The nine real-world inputs of issue 13 (../shared/cases/ingest/), each with the reading its README gives as right.
// Other shapes of the same kinds of trouble are tested beside them, in the test file of each kind.
import { describe, expect, it } from 'vitest';
import { discoverFeeds } from '../../src/ingest/discover.ts';
import { fixture, parseFixture } from './load.ts';

describe('text-title-angle-brackets.atom', () => {
  it('keeps type="text" titles exactly as written: decoded once, never tag-stripped', () => {
    const feed = parseFixture('text-title-angle-brackets.atom');
    expect(feed.items.map((item) => item.title)).toEqual([
      'Is there a Snap.svg equivalent of <animate>?',
      '<<<Placeholder>>>',
      'Why is std::vector<bool> slower than std::vector<char>?',
    ]);
    expect(feed.items[1]!.summary).toBe('Angle brackets that are text, not tags.');
  });
});

describe('duplicate-guids.rss', () => {
  it('reads two items sharing a guid as two articles, each with its own fields', () => {
    const feed = parseFixture('duplicate-guids.rss');
    expect(feed.items).toHaveLength(2);
    const [storm, library] = feed.items;
    expect(storm!.guid).not.toBe(library!.guid);
    expect(storm).toMatchObject({
      title: 'Storm closes coastal highway',
      url: 'https://gazette.example/a/storm-highway',
      summary: 'Heavy rain and high winds closed the coastal highway on Tuesday evening.',
      published: '2026-11-17T18:00:00.000Z',
    });
    expect(library).toMatchObject({
      title: 'City council approves new library budget',
      url: 'https://gazette.example/a/library-budget',
      summary: 'The council voted seven to two to fund the new central library.',
      published: '2026-11-17T17:00:00.000Z',
    });
  });
  // That an unchanged second fetch reports 0 updated is tested against a real store in identity.test.ts.
});

describe('rss-default-atom-namespace.rss', () => {
  it('reads the channel and both items as if the stray default namespace were absent', () => {
    const feed = parseFixture('rss-default-atom-namespace.rss');
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Open data portal: datasets');
    expect(feed.link).toBe('https://data.example.eu/');
    expect(feed.items.map((item) => [item.title, item.url, item.summary, item.published])).toEqual([
      ['Food prices dataset updated', 'https://data.example.eu/d/1', 'Monthly food price index.', '2026-07-12T10:00:00.000Z'],
      ['Crop yields dataset added', 'https://data.example.eu/d/2', 'Yields by region.', '2026-07-12T09:00:00.000Z'],
    ]);
  });
});

describe('date-zone-before-year.rss', () => {
  it('reads "Fri Apr 03 17:00:00 UTC 2020"', () => {
    const item = parseFixture('date-zone-before-year.rss').items[0]!;
    expect(item.published).toBe('2020-04-03T17:00:00.000Z');
    expect(item.dateFlag).toBeNull();
  });
});

describe('date-localized-names.rss', () => {
  it('reads German and French day and month names', () => {
    const feed = parseFixture('date-localized-names.rss');
    expect(feed.items.map((item) => item.published)).toEqual([
      '2018-01-22T23:00:00.000Z',
      '2019-11-01T03:52:59.000Z',
      '2026-02-04T07:15:00.000Z',
    ]);
    expect(feed.items.every((item) => item.dateFlag === null)).toBe(true);
  });
});

describe('nested-cdata.rss', () => {
  const feed = parseFixture('nested-cdata.rss');

  it('keeps the first item whole: the inner "]]>" does not swallow the rest', () => {
    const first = feed.items[0]!;
    expect(first.summary).toContain('How we tag posts:');
    expect(first.summary).toContain('More in the docs.');
    expect(first.contentHtml).toContain('<a href="https://docs.example.com/tags" rel="noopener nofollow ugc">the docs</a>');
  });

  it('reads the second item normally', () => {
    expect(feed.items[1]).toMatchObject({ title: 'Next post', url: 'https://arch.example.com/2', summary: 'Plain.' });
  });
});

describe('video-media-description.atom', () => {
  it('takes media:group/media:description as the summary and media:thumbnail as the image', () => {
    const item = parseFixture('video-media-description.atom').items[0]!;
    expect(item.summary).toBe(
      "Sunlight heats a comet's ice, and the solar wind pushes the gas and dust away into two tails that always point away from the Sun.",
    );
    expect(item.contentHtml).toContain('Sunlight heats a comet');
    expect(item.image).toBe('https://img.video.example/vi/abc123/hqdefault.jpg');
  });
});

describe('mixed-utf8-windows1252.rss', () => {
  it('keeps the valid UTF-8 and reads only the stray bytes as windows-1252', () => {
    const feed = parseFixture('mixed-utf8-windows1252.rss');
    expect(feed.items[0]!.title).toBe('Café détruit à Cherbourg');
    expect(feed.items[0]!.summary).toBe('L’incendie a été maîtrisé.');
    expect(feed.items[1]!.title).toBe('Marché de Noël ouvert');
    expect(feed.items[1]!.summary).toBe('Le marché ouvre ses portes – entrée libre.');
  });
});

describe('site-page-not-feed.html', () => {
  it("finds the page's alternate feed, resolved against the page's address", () => {
    expect(discoverFeeds(fixture('site-page-not-feed.html'), 'https://blog.example.org/about/')).toEqual([
      { url: 'https://blog.example.org/blog/feed.xml', type: 'application/rss+xml', title: 'A small blog' },
    ]);
  });
});
