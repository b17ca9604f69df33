// The site's data module on a real store: outlets counted once across their feeds, cleaned names, blurbs without
// datelines, and a front page that ranks by coverage on a store whose news is ten days old.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { saveMemberships, updateStory } from '../../src/store/stories.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { SiteData } from '../../src/site/data.ts';
import { readSite } from '../../src/store/site-reads.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

const item = (guid: string, title: string, summary: string, published: string): FeedItem => ({
  guid, title, url: `https://news.example/${guid}`, originalUrl: null, published, updated: null, dateFlag: null, author: null,
  summary, contentHtml: '', image: null, categories: [],
});

/** One story per entry: its articles as [feed id, item]; the score stored is 0, as a store clustered long ago has. */
async function addStories(store: Store, stories: Record<string, [number, FeedItem][]>): Promise<void> {
  const now = '2026-11-20T00:00:00Z';
  for (const [storyId, members] of Object.entries(stories)) {
    for (const [feedId, entry] of members) await saveFeedItems(store, feedId, [entry], now);
    const ids = members.map(([, entry]) => (sqliteDb(store).prepare('SELECT id FROM articles WHERE canonical_url = ?').get(entry.url) as { id: number }).id);
    await saveMemberships(store, ids.map((articleId) => ({ articleId, storyId })), now);
    const times = members.map(([, entry]) => entry.published!).sort();
    await updateStory(store, { id: storyId, title: members[0]![1].title, leadArticleId: ids[0]!, score: 0, firstPublishedAt: times[0]!,
      lastPublishedAt: times.at(-1)!, articleCount: ids.length, sourceCount: ids.length }, now);
  }
}

describe('SiteData', async () => {
  const store = await openStore(join(tempFolder(), 'site.db'));
  const foxNews = await upsertFeed(store, { url: 'https://moxie.foxnews.com/latest.xml', title: 'FOX News', siteUrl: 'https://www.foxnews.com/' });
  const foxVideo = await upsertFeed(store, { url: 'https://feeds.example-cdn.net/fox-video.xml', title: 'Fox News Video', siteUrl: 'https://video.foxnews.com/' });
  const cnn = await upsertFeed(store, { url: 'http://rss.cnn.com/rss/edition.rss', title: 'CNN.com - RSS Channel - App International Edition', siteUrl: 'https://edition.cnn.com/' });
  const mail = await upsertFeed(store, { url: 'https://www.dailymail.co.uk/articles.rss', title: 'Articles | Mail Online', siteUrl: 'https://www.dailymail.co.uk/' });
  await addStories(store, {
    // Ten days before the reader looks: a big story from three outlets, and a story one outlet filed three times.
    'summit': [
      [foxNews, item('s1', 'Leaders meet at summit', 'WASHINGTON (Reuters) - Leaders met on Tuesday.', '2026-11-17T09:00:00Z')],
      [foxVideo, item('s2', 'Video: the summit', 'Pictures from the summit.', '2026-11-17T10:00:00Z')],
      [cnn, item('s3', 'Summit opens', 'Leaders gathered for the summit.', '2026-11-17T11:00:00Z')],
      [mail, item('s4', 'Summit latest', 'The summit went on late.', '2026-11-17T12:00:00Z')],
    ],
    'grab-bag': [
      [foxNews, item('g1', 'Odd news one', 'One.', '2026-11-17T13:00:00Z')],
      [foxVideo, item('g2', 'Odd news two', 'Two.', '2026-11-17T13:30:00Z')],
      [foxNews, item('g3', 'Odd news three', 'Three.', '2026-11-17T14:00:00Z')],
    ],
    // Two outlets, slowly: it scores below the grab-bag's burst.
    'pair': [
      [cnn, item('p1', 'Quiet story', 'A quiet story.', '2026-11-17T01:00:00Z')],
      [mail, item('p2', 'Quiet story too', 'The same quiet story.', '2026-11-17T09:00:00Z')],
    ],
  });
  const data = new SiteData(await readSite(store), Date.parse('2026-11-27T12:00:00Z'));
  await store.close();

  it('counts one outlet once across its feeds and names outlets cleanly', () => {
    const summit = data.storiesById.get('summit')!;
    expect(summit.sourceCount).toBe(3);
    expect(summit.outlets.map((outlet) => outlet.source)).toEqual(['FOX News', 'CNN', 'Mail Online']);
    expect(summit.coverage.map((article) => article.source)).toEqual(['CNN', 'Mail Online']);
    expect(data.storiesById.get('grab-bag')!.sourceCount).toBe(1);
  });

  it('strips the wire dateline from blurbs', () => {
    expect(data.storiesById.get('summit')!.lead.summary).toBe('Leaders met on Tuesday.');
  });

  it('ranks a ten-day-old store by coverage, and a one-outlet story never above a multi-outlet one of its day', () => {
    const summit = data.storiesById.get('summit')!;
    expect(summit.score).toBeGreaterThan(1);
    expect(data.topStories().map((story) => story.id)).toEqual(['summit', 'pair']);
    expect(data.storiesById.get('grab-bag')!.score).toBeGreaterThan(data.storiesById.get('pair')!.score);
    expect(data.days[0]!.stories.map((story) => story.id)).toEqual(['summit', 'pair', 'grab-bag']);
  });

  it('groups the sources page by outlet', () => {
    expect(data.outlets.map((outlet) => [outlet.name, outlet.feeds.length])).toEqual([['CNN', 1], ['FOX News', 2], ['Mail Online', 1]]);
  });
});
