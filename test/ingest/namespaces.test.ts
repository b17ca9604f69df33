// Kind 3 of issue 13: an unexpected default namespace never empties a feed; unprefixed names are the format's own.
import { describe, expect, it } from 'vitest';
import { parseFixture } from './load.ts';

describe('unexpected default namespaces', () => {
  it('reads an RSS channel after an Atom link that declares Atom as its default namespace', () => {
    const feed = parseFixture('rss-atom-link-default-namespace.rss');
    expect(feed.title).toBe('Night shift podcast');
    expect(feed.link).toBe('https://podcast.example/');
    expect(feed.items.map((item) => item.url)).toEqual(['https://podcast.example/12', 'https://podcast.example/11']);
  });

  it('reads RSS 1.0 whose default namespace is RDF and whose RSS elements are prefixed', () => {
    const feed = parseFixture('rdf-default-rdf-namespace.rdf');
    expect(feed).toMatchObject({ format: 'rdf', title: 'Prefixed RDF', link: 'https://rdf.example/' });
    expect(feed.items.map((item) => [item.title, item.url, item.published])).toEqual([
      ['First', 'https://rdf.example/1', '2026-11-16T08:00:00.000Z'],
    ]);
  });

  it('reads Atom whose default namespace is misspelt, with atom: elements beside unprefixed ones', () => {
    const feed = parseFixture('atom-unexpected-default-namespace.atom');
    expect(feed).toMatchObject({ format: 'atom', title: 'Misdeclared' });
    expect(feed.items.map((item) => [item.title, item.url, item.summary])).toEqual([['Still read', 'https://m.example/1', 'A summary.']]);
  });
});
