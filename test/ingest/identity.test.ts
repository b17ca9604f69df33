// Kind 2 of issue 13: distinct items stay distinct articles, and an unchanged feed fetched again changes nothing.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { countArticles } from '../../src/store/articles.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import type { ParsedFeed } from '../../src/ingest/types.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';
import { parseFixture } from './load.ts';

/** Stores one parsed feed twice, as two fetches of the same bytes, and returns both runs' counts and the titles. */
async function storeTwice(feed: ParsedFeed) {
  const store = await openStore(join(tempFolder(), 'wirefold.db'));
  try {
    const feedId = await upsertFeed(store, { url: 'https://feeds.example.com/path/feed.xml', title: null, tags: [] });
    const first = await saveFeedItems(store, feedId, feed.items, '2026-11-20T12:00:00.000Z');
    const second = await saveFeedItems(store, feedId, feed.items, '2026-11-20T13:00:00.000Z');
    const titles = (sqliteDb(store).prepare('SELECT title FROM articles ORDER BY id').all() as { title: string }[]).map((row) => row.title);
    return { first, second, titles, count: await countArticles(store) };
  } finally {
    await store.close();
  }
}

describe('items sharing a guid', () => {
  it('duplicate-guids.rss: two articles, and 0 updated when fetched again unchanged', async () => {
    const { first, second, titles } = await storeTwice(parseFixture('duplicate-guids.rss'));
    expect(titles).toEqual(['Storm closes coastal highway', 'City council approves new library budget']);
    expect(first).toEqual({ added: 2, updated: 0, unchanged: 0 });
    expect(second).toEqual({ added: 0, updated: 0, unchanged: 2 });
  });

  it('tells entries with one id and no link apart by their words', async () => {
    const feed = parseFixture('duplicate-guid-no-link.atom');
    expect(new Set(feed.items.map((item) => item.guid)).size).toBe(2);
    const { second, titles } = await storeTwice(feed);
    expect(titles).toEqual(['All systems normal', 'Degraded search']);
    expect(second.updated).toBe(0);
  });
});

describe('items without guids sharing one link', () => {
  it('keeps the different items apart and drops the exact repeat', async () => {
    const feed = parseFixture('shared-link-no-guid.rss');
    expect(feed.items.map((item) => item.title)).toEqual([
      'Bin collection moves to Thursday', 'Hall closed for repairs', 'Choir practice cancelled',
    ]);
    expect(feed.warnings.join('\n')).toMatch(/dropped 1 item/);
    const { first, second, count } = await storeTwice(feed);
    expect(first.added).toBe(3);
    expect(count).toBe(3);
    expect(second).toEqual({ added: 0, updated: 0, unchanged: 3 });
  });
});

it('leaves unique guids as the feed gave them', () => {
  expect(parseFixture('rss20.xml').items[0]!.guid).toBe('example-times-48213');
});
