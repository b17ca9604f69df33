import { describe, expect, it } from 'vitest';
import { canonicalUrl, resolveUrl } from '../../src/ingest/normalize/url.ts';
import { itemByGuid, parseFixture } from './load.ts';

describe('canonicalUrl', () => {
  const base = 'https://feeds.example.com/path/feed.xml';

  it('drops tracking parameters, fragment, default port; lower-cases the host; keeps other parameters', () => {
    expect(canonicalUrl('HTTPS://News.Example.COM:443/a/b?id=1&utm_source=x&UTM_MEDIUM=y&fbclid=z&gclid=1&mc_eid=2&_hsenc=3&page=2#top', base))
      .toBe('https://news.example.com/a/b?id=1&page=2');
    expect(canonicalUrl('http://news.example.com:80/?utm_campaign=a', base)).toBe('http://news.example.com/');
    expect(canonicalUrl('http://news.example.com:8080/x', base)).toBe('http://news.example.com:8080/x');
  });

  it('resolves relative links against the base', () => {
    expect(canonicalUrl('../other?utm_term=q', base)).toBe('https://feeds.example.com/other');
    expect(canonicalUrl('//cdn.example.com/x', base)).toBe('https://cdn.example.com/x');
  });

  it('keeps only http(s)', () => {
    for (const raw of ['javascript:alert(1)', 'ftp://x.example/a', 'mailto:a@b.example', 'data:text/html,hi']) {
      expect(canonicalUrl(raw, base)).toBeNull();
      expect(resolveUrl(raw, base)).toBeNull();
    }
    expect(canonicalUrl('   ', base)).toBeNull();
    expect(canonicalUrl('http://', base)).toBeNull();
  });
});

describe('URLs in a feed', () => {
  const feed = parseFixture('tracking-params.xml');

  it('gives the canonical URL and keeps the resolved original', () => {
    const [all, only, relative, ftp] = feed.items;
    expect(all!.url).toBe('https://www.track.example.com/story/1?id=7&page=2');
    expect(all!.originalUrl).toMatch(/^https:\/\/www\.track\.example\.com\/story\/1\?id=7&utm_source=rss.*#comments$/);
    expect(all!.guid).toBe(all!.url); // no <guid>: the canonical URL stands in
    expect(only!.url).toBe('http://track.example.com/story/2');
    expect(relative!.url).toBe('https://feeds.example.com/story/3?ref=home');
    expect(ftp!.url).toBeNull();
    expect(ftp!.originalUrl).toBeNull();
    expect(ftp!.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(feed.link).toBe('https://track.example.com/');
  });

  it('gives a hostile javascript: item link no URL at all', () => {
    const item = itemByGuid(parseFixture('hostile-html.xml'), 'hostile-1');
    expect(item.url).toBeNull();
    expect(item.originalUrl).toBeNull();
  });
});
