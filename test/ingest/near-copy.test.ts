// Near copies across feeds, through the real store: a wire story re-run under a new headline and byline is marked as a
// copy of the first outlet's article; another outlet's own report of the same event is not.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { keyUnkeyedArticles, saveFeedItems } from '../../src/ingest/save-items.ts';
import { COPY_SIMILARITY, copySketch, jaccard } from '../../src/ingest/near-copy.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

const WIRE = 'Rocket Lab launched ten small weather satellites for a commercial radio-occultation network on Tuesday, ' +
  'lifting off from its New Zealand pad shortly after dawn. The company said all ten spacecraft separated as planned ' +
  'and had made first contact with ground stations. The launch was the sixth for the customer this year, which hopes ' +
  'to sell its atmospheric measurements to forecasters.';

function item(guid: string, title: string, summary: string, author: string | null = null): FeedItem {
  return {
    guid, title, url: `https://news.example/${guid}`, originalUrl: `https://news.example/${guid}`,
    published: '2026-11-18T10:00:00.000Z', updated: null, dateFlag: null, author, summary,
    contentHtml: `<p>${summary}</p>`, image: null, categories: [],
  };
}

function copyOf(store: Store, guid: string): number | null {
  const row = sqliteDb(store).prepare('SELECT a.copy_of FROM articles a JOIN article_sources s ON s.article_id = a.id WHERE s.guid = ?')
    .get(guid) as { copy_of: number | null };
  return row.copy_of;
}

function idOf(store: Store, guid: string): number {
  return (sqliteDb(store).prepare('SELECT article_id FROM article_sources WHERE guid = ?').get(guid) as { article_id: number }).article_id;
}

const now = '2026-11-18T12:00:00.000Z';

describe('near copies across feeds', () => {
  it('marks a wire copy with a new headline, byline and dateline, and not another report of the same event', async () => {
    const store = await openStore(join(tempFolder(), 'copies.db'));
    const [first, second, third, fourth] = await Promise.all(['a', 'b', 'c', 'd'].map((name) => upsertFeed(store, { url: `https://${name}.example/feed` })));
    await saveFeedItems(store, first!, [item('wire', 'Rocket Lab launches ten weather satellites', WIRE, 'Associated Press')], now);
    // The same story under the second outlet's own headline and byline, with a dateline and one word edited.
    const edited = `WELLINGTON, New Zealand — ${WIRE.replace('shortly after dawn', 'soon after dawn')}`;
    await saveFeedItems(store, second!, [item('copy', 'Ten forecasting satellites reach orbit on an Electron rocket', edited, 'Staff writer')], now);
    // A third outlet's own report of the same launch: same names and facts, its own words.
    await saveFeedItems(store, third!, [item('own', 'Rocket Lab adds ten satellites to weather constellation',
      'Rocket Lab put another ten weather satellites into orbit on Tuesday from New Zealand. The radio-occultation ' +
      'network, which sells atmospheric data to forecasters, now counts more than forty spacecraft, and the customer ' +
      'has booked four more launches with the company before the end of next year, its chief executive said.')], now);
    // A copy of the copy is still marked as a copy of the first.
    await saveFeedItems(store, fourth!, [item('copy-of-copy', 'Weather satellites launched', edited)], now);

    expect(copyOf(store, 'wire')).toBeNull();
    expect(copyOf(store, 'copy')).toBe(idOf(store, 'wire'));
    expect(copyOf(store, 'own')).toBeNull();
    expect(copyOf(store, 'copy-of-copy')).toBe(idOf(store, 'wire'));
    await store.close();
  });

  it('marks a copy cut shorter (one outlet carries only the first paragraph) under its own headline', async () => {
    const store = await openStore(join(tempFolder(), 'shorter.db'));
    const first = await upsertFeed(store, { url: 'https://a.example/feed' });
    const second = await upsertFeed(store, { url: 'https://b.example/feed' });
    await saveFeedItems(store, first, [item('full', 'Rocket Lab launches ten weather satellites', WIRE)], now);
    const firstSentence = WIRE.slice(0, WIRE.indexOf('. ') + 1);
    await saveFeedItems(store, second, [item('cut', 'Electron lofts a weather fleet', firstSentence)], now);
    expect(jaccard(copySketch('', firstSentence).shingles, copySketch('', WIRE).shingles)).toBeLessThan(COPY_SIMILARITY);
    expect(copyOf(store, 'cut')).toBe(idOf(store, 'full'));
    await store.close();
  });

  it('keeps the decision on the exact overlap: the wire copy is well above the bar and the own report far below', () => {
    const wire = copySketch('Rocket Lab launches ten weather satellites', WIRE).shingles;
    const copy = copySketch('Ten forecasting satellites reach orbit on an Electron rocket', `WELLINGTON, New Zealand — ${WIRE}`).shingles;
    const own = copySketch('Rocket Lab adds ten satellites to weather constellation',
      'Rocket Lab put another ten weather satellites into orbit on Tuesday from New Zealand.').shingles;
    expect(jaccard(wire, copy)).toBeGreaterThan(COPY_SIMILARITY + 0.1);
    expect(jaccard(wire, own)).toBeLessThan(0.1);
  });

  it('does not mark a repeat within one outlet, nor a text too short to judge', async () => {
    const store = await openStore(join(tempFolder(), 'same-feed.db'));
    const feed = await upsertFeed(store, { url: 'https://a.example/feed' });
    const other = await upsertFeed(store, { url: 'https://b.example/feed' });
    await saveFeedItems(store, feed, [item('one', 'Rocket Lab launches ten weather satellites', WIRE)], now);
    await saveFeedItems(store, feed, [item('again', 'Update: Rocket Lab launches ten weather satellites', `${WIRE} Updated.`)], now);
    await saveFeedItems(store, feed, [item('short', 'Launch today', '')], now);
    await saveFeedItems(store, other, [item('short-elsewhere', 'Launch today', '')], now);
    expect(copyOf(store, 'again')).toBeNull();
    expect(copyOf(store, 'short-elsewhere')).toBeNull();
    await store.close();
  });

  it('finds copies of articles stored before near-copy keys existed', async () => {
    const store = await openStore(join(tempFolder(), 'old.db'));
    const first = await upsertFeed(store, { url: 'https://a.example/feed' });
    const second = await upsertFeed(store, { url: 'https://b.example/feed' });
    await saveFeedItems(store, first, [item('old', 'Rocket Lab launches ten weather satellites', WIRE)], now);
    sqliteDb(store).exec('DELETE FROM article_copy_keys'); // as a store from before migration 3 has it
    expect(await keyUnkeyedArticles(store)).toBe(1);
    expect(await keyUnkeyedArticles(store)).toBe(0);
    await saveFeedItems(store, second, [item('new', 'Weather satellites reach orbit', WIRE)], now);
    expect(copyOf(store, 'new')).toBe(idOf(store, 'old'));
    await store.close();
  });
});
