// Kind 8 of issue 13 (authors): every common place a feed names a person, and the feed's own author as the fallback.
import { describe, expect, it } from 'vitest';
import { parseFixture } from './load.ts';

const authors = (name: string) => {
  const feed = parseFixture(name);
  return Object.fromEntries(feed.items.map((item) => [item.guid, item.author]));
};

describe('RSS authors', () => {
  it('come from dc:creator, author (both email shapes), itunes:author, else the channel', () => {
    expect(authors('authors-rss-every-place.rss')).toEqual({
      dc: 'Ines Ferreira, Tom Baker',
      'author-email-name': 'Sam Rain',
      'author-name-email': 'Lee Park',
      itunes: 'Maya Chen',
      fallback: 'Rosa Delgado',
    });
  });

  it('reads a channel title given only as dc:title', () => {
    expect(parseFixture('authors-rss-every-place.rss').title).toBe('Harbour Radio');
  });
});

describe('Atom authors', () => {
  it('are names even with an email, all of them, else the email, the source, the feed', () => {
    expect(authors('authors-atom-email-and-source.atom')).toEqual({
      'urn:p:1': 'Kim Osei',
      'urn:p:2': 'Ana Ruiz, Ben Ode',
      'urn:p:3': 'only@p.example',
      'urn:p:4': 'Blog Writer',
      'urn:p:5': 'Planet Editors',
    });
  });
});

describe('JSON Feed authors', () => {
  it('are read as an array, an object, a url only, a 1.0 author or a string, else the feed', () => {
    expect(authors('authors-json-feed-shapes.json')).toEqual({
      object: 'Object Author',
      'url-only': 'https://someone.example/',
      two: 'One, Two',
      'v1-object': 'Old Style',
      string: 'Plain String',
      fallback: 'Feed Owner',
    });
  });
});
