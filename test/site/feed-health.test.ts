// The sources page's health words: a feed's status from its fetch record, and its last error said plainly.
import { describe, expect, it } from 'vitest';
import { explainFetchError, feedHealth } from '../../src/site/feed-health.ts';
import type { Feed } from '../../src/store/feeds.ts';

const feed = (changes: Partial<Feed>): Feed => ({
  id: 1, url: 'https://example.org/feed.xml', title: 'Example', siteUrl: null, tags: [], status: 'active', etag: null,
  lastModified: null, lastFetchedAt: '2026-01-01T00:00:00.000Z', lastStatus: 200, lastError: null, consecutiveFailures: 0, failingSince: null,
  nextFetchAt: null, itemsSeen: 0, addedAt: '2026-01-01T00:00:00.000Z', ...changes,
});

describe('feed health', () => {
  it('tells healthy, failing, down, disabled and never-fetched feeds apart', () => {
    expect(feedHealth(feed({}), 3).status).toBe('ok');
    expect(feedHealth(feed({ consecutiveFailures: 1, lastError: 'connection refused' }), 3).status).toBe('failing');
    expect(feedHealth(feed({ consecutiveFailures: 3, lastError: 'connection refused' }), 3).status).toBe('down');
    expect(feedHealth(feed({ status: 'disabled', consecutiveFailures: 5 }), 3).status).toBe('disabled');
    expect(feedHealth(feed({ lastFetchedAt: null }), 0).status).toBe('new');
  });

  it('names an untitled feed by its host and keeps its article count', () => {
    const view = feedHealth(feed({ title: null }), 42);
    expect(view.title).toBe('example.org');
    expect(view.articleCount).toBe(42);
    expect(view.problem).toBeNull();
  });

  it('explains the errors ingest records in plain words, keeping the original in brackets', () => {
    expect(explainFetchError('HTTP 404 Not Found')).toBe('The feed is no longer at this address (HTTP 404 Not Found).');
    expect(explainFetchError('HTTP 599 Odd')).toBe('The server had a problem (HTTP 599 Odd).');
    expect(explainFetchError('host not found')).toMatch(/does not resolve/);
    expect(explainFetchError('unreadable feed: no <rss> found')).toBe('The server answered, but not with a feed we can read (no <rss> found).');
    expect(explainFetchError('gone (HTTP 410): feed disabled')).toMatch(/gone for good/);
    expect(explainFetchError('the connection timed out')).toBe('The connection timed out.');
  });
});
