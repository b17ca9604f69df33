// The store's functions on both backends: what one writes, the other reads the same way, in the same order.
import { describe, expect, it } from 'vitest';
import { openStore, schemaVersion, StoreMissingError } from '../../src/store/store.ts';
import { migrations } from '../../src/store/migrations.ts';
import { findFeed, isFollowed, listFeeds, recordFetch, removeFeed, upsertFeed } from '../../src/store/feeds.ts';
import { copyCandidates, countArticles, countNearCopies, getArticles, unclusteredArticles } from '../../src/store/articles.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { anyTextMissingEmbedding, loadEmbeddings, recentEmbeddings, saveEmbeddings, textsMissingEmbeddings } from '../../src/store/embeddings.ts';
import { liveStoryIds, mergeStories, relatedOf, replaceRelated, saveMemberships, storiesArticles, updateStories, updateStory } from '../../src/store/stories.ts';
import { saveStoryProfiles, storyProfiles, storyTermListsSince } from '../../src/store/story-profiles.ts';
import { addStoryTopics, addTermDocuments, createDiscoveredTopic, ensureTopic, listTopics, loadTopicProfiles, saveTopicProfile, storiesOfTopic, termDocumentCounts } from '../../src/store/topics.ts';
import { finishRun, recentRuns, startRun } from '../../src/store/runs.ts';
import { articlesByStory, liveStories, mergedStories } from '../../src/store/site-reads.ts';
import type { FeedItem } from '../../src/model/feed-item.ts';
import { LockHeldError, withStoreWriter } from '../../src/store/writer-lock.ts';
import { backends, postgresSkipReason } from '../backends.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { keyCarriers } from '../../src/store/article-lookups.ts';

const now = '2026-11-20T12:00:00.000Z';
const WIRE = 'Rocket Lab launched ten weather satellites from New Zealand on Tuesday, the company said, adding that all ' +
  'of them reached their planned orbit and began sending data within hours of the launch.';

function item(guid: string, title: string, summary: string, published = now): FeedItem {
  return {
    guid, title, url: `https://news.example/${guid}`, originalUrl: `https://news.example/${guid}`, published, updated: null, dateFlag: null,
    author: null, summary, contentHtml: `<p>${summary}</p>`, image: null, categories: ['Space'],
  };
}

describe.each(backends)('the store on $name', (backend) => {
  it('creates its schema once, and refuses a missing store when it must exist', async () => {
    const location = await backend.fresh('schema');
    await expect(openStore(location, { mustExist: true })).rejects.toThrow(StoreMissingError);
    const store = await openStore(location);
    expect(await schemaVersion(store)).toBe(migrations.length);
    await store.close();
    const again = await openStore(location, { mustExist: true });
    expect(await schemaVersion(again)).toBe(migrations.length);
    await again.close();
  });

  it('lets one run write at a time, and the next one in once it ends', async () => {
    const location = await backend.fresh('lock');
    await (await openStore(location)).close();
    await withStoreWriter(location, 'ingest', async (store) => {
      await upsertFeed(store, { url: 'https://a.example/feed' });
      await expect(withStoreWriter(location, 'cluster', async () => 0)).rejects.toThrow(LockHeldError);
    });
    expect(await withStoreWriter(location, 'cluster', async (store) => (await listFeeds(store)).length)).toBe(1);
  });

  it('keeps feeds: upsert keeps the id, a fetch is recorded, removal keeps a feed that has articles', async () => {
    const store = await openStore(await backend.fresh('feeds'));
    const id = await upsertFeed(store, { url: 'https://a.example/feed', tags: ['x'] });
    expect(await upsertFeed(store, { url: 'https://a.example/feed', title: 'A' })).toBe(id);
    const other = await upsertFeed(store, { url: 'https://b.example/feed' });
    await recordFetch(store, id, { fetchedAt: now, status: 500, error: 'HTTP 500', nextFetchAt: now });
    await recordFetch(store, id, { fetchedAt: now, status: 500, error: 'HTTP 500', nextFetchAt: now, newUrl: 'https://a2.example/feed' });
    const feed = (await findFeed(store, String(id)))!;
    expect(feed).toMatchObject({ title: 'A', tags: ['x'], consecutiveFailures: 2, failingSince: now, lastStatus: 500, url: 'https://a2.example/feed' });
    await recordFetch(store, id, { fetchedAt: now, status: 200, error: null, nextFetchAt: null, etag: '"e"', itemsSeen: 3 });
    expect(await findFeed(store, 'https://a2.example/feed')).toMatchObject({ consecutiveFailures: 0, failingSince: null, etag: '"e"', itemsSeen: 3 });
    await saveFeedItems(store, id, [item('one', 'Satellites launched', WIRE)], now);
    expect(await removeFeed(store, id)).toBe('disabled');
    expect(await removeFeed(store, other)).toBe('deleted');
    expect(await removeFeed(store, other)).toBe('absent');
    expect(await removeFeed(store, id)).toBe('already off');
    expect((await listFeeds(store)).map((row) => [row.id, row.status])).toEqual([[id, 'disabled']]);
    // A feed that is only a second source of an article (the same URL in two feeds): its DELETE failed on the foreign key.
    const second = await upsertFeed(store, { url: 'https://c.example/feed' });
    await saveFeedItems(store, second, [item('one', 'Satellites launched', WIRE)], now);
    expect(await removeFeed(store, second)).toBe('disabled');
    // A feed an ingest run holds (leased: being fetched now) stays as a disabled record until the run lets it go.
    const leased = await upsertFeed(store, { url: 'https://d.example/feed' });
    await sqlOf(store).run("UPDATE feeds SET lease_until = '2999-01-01T00:00:00.000Z', leased_by = 'a run' WHERE id = ?", [leased]);
    expect(await removeFeed(store, leased)).toBe('disabled');
    // Off the list for good (a 410) and nothing points at it: deleted, no longer listed for ever.
    const gone = await upsertFeed(store, { url: 'https://e.example/feed' });
    await sqlOf(store).run("UPDATE feeds SET status = 'disabled', last_error = 'gone (HTTP 410): feed disabled' WHERE id = ?", [gone]);
    expect(await removeFeed(store, gone)).toBe('deleted');
    await store.close();
  });

  // An aggregator's item links to the outlet's article with its own description ("Comments"): each fetch of either
  // feed rewrote the shared article with its words, re-embedding it and moving its story's feed entries every run; and
  // keeping the first carrier's words for good left "Comments" on the site when the aggregator came first.
  it('shows an article in its publisher\'s words: another feed carrying its URL adds a source, and the publisher takes it over', async () => {
    const store = await openStore(await backend.fresh('owners'));
    const outlet = await upsertFeed(store, { url: 'https://feeds.news.example/all.xml', title: 'News Example' });
    const aggregator = await upsertFeed(store, { url: 'https://aggregator.example/rss', title: 'Aggregator' });
    const other = await upsertFeed(store, { url: 'https://other.example/feed', title: 'Other' });
    const read = async (guid: string) => (await sqlOf(store).get<{ summary: string; feed_id: number; updated_at: string }>(
      'SELECT summary, feed_id, updated_at FROM articles WHERE canonical_url = ?', [`https://news.example/${guid}`]))!;
    const story = (guid: string) => item(guid, 'Lander touches down on the Moon', WIRE);
    const comments = (guid: string) => ({ ...story(guid), guid: `agg-${guid}`, summary: 'Comments' });
    const at = (minutes: number) => new Date(Date.parse(now) + minutes * 60_000).toISOString();

    // The outlet first: the aggregator's fetches add a source and change nothing, however often.
    await saveFeedItems(store, outlet, [story('moon')], now);
    for (const minutes of [15, 30]) {
      expect(await saveFeedItems(store, aggregator, [comments('moon')], at(minutes))).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(await saveFeedItems(store, outlet, [story('moon')], at(minutes))).toEqual({ added: 0, updated: 0, unchanged: 1 });
    }
    expect(await read('moon')).toEqual({ summary: WIRE, feed_id: outlet, updated_at: now });
    // The aggregator first: the publisher's words replace "Comments" once, and stay.
    await saveFeedItems(store, aggregator, [comments('mars')], now);
    expect((await read('mars')).summary).toBe('Comments');
    expect(await saveFeedItems(store, outlet, [story('mars')], at(15))).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(await saveFeedItems(store, aggregator, [comments('mars')], at(30))).toEqual({ added: 0, updated: 0, unchanged: 1 });
    expect(await read('mars')).toEqual({ summary: WIRE, feed_id: outlet, updated_at: at(15) });
    // Neither publishes it: the first carrier keeps it, until it is off the source list.
    await saveFeedItems(store, aggregator, [{ ...comments('venus'), url: 'https://blog.example/venus', originalUrl: null }], now);
    const venus = { ...story('venus'), guid: 'other-venus', url: 'https://blog.example/venus', originalUrl: null, summary: 'A blog post.' };
    expect(await saveFeedItems(store, other, [venus], at(15))).toEqual({ added: 0, updated: 0, unchanged: 1 });
    expect(await removeFeed(store, aggregator)).toBe('disabled');
    expect(await saveFeedItems(store, other, [venus], at(30))).toEqual({ added: 0, updated: 1, unchanged: 0 });
    // The publisher's own correction still lands.
    expect(await saveFeedItems(store, outlet, [{ ...story('moon'), title: 'Lander touches down near the lunar south pole' }], at(60)))
      .toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect((await read('moon')).updated_at).toBe(at(60));
    await store.close();
  });

  // PostgreSQL: a `feeds remove` committed between ingest's isFollowed and its write let a "removed" feed's items reach
  // the site (a newcomer's review). SQLite needs no test: one writer at a time, and a second BEGIN IMMEDIATE in this
  // synchronous process would only wait out its busy timeout.
  it('makes a removal wait for an ingest write that found the feed followed (PostgreSQL)', async (context) => {
    if (backend.name !== 'postgres') context.skip();
    const location = await backend.fresh('follow-lock');
    const store = await openStore(location);
    const feed = await upsertFeed(store, { url: 'https://news.example/feed' });
    const remover = await openStore(location);
    let removal: Promise<unknown> | undefined;
    let settled = false;
    await store.transaction(async () => {
      expect(await isFollowed(store, feed)).toBe(true);
      removal = removeFeed(remover, feed).then((result) => { settled = true; return result; });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await saveFeedItems(store, feed, [item('late', 'Satellites launched', WIRE)], now);
    });
    // Done after the write: the feed now has an article, so it is kept as a disabled record, not deleted under it.
    expect(await removal).toBe('disabled');
    await remover.close();
    await store.close();
  });

  it('saves items once, finds near-copy candidates by key, and marks a copy from another outlet', async () => {
    const store = await openStore(await backend.fresh('articles'));
    const wire = await upsertFeed(store, { url: 'https://wire.example/feed', title: 'Wire' });
    const paper = await upsertFeed(store, { url: 'https://paper.example/feed', title: 'Paper' });
    expect(await saveFeedItems(store, wire, [item('w1', 'Rocket Lab launches ten weather satellites', WIRE)], now)).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(await saveFeedItems(store, wire, [item('w1', 'Rocket Lab launches ten weather satellites', WIRE)], now)).toEqual({ added: 0, updated: 0, unchanged: 1 });
    await saveFeedItems(store, paper, [item('p1', 'Ten satellites reach orbit', `WELLINGTON — ${WIRE}`)], now);
    expect(await countArticles(store)).toBe(2);
    expect(await countNearCopies(store)).toBe(1);
    const [original, copy] = await unclusteredArticles(store);
    expect(copy!.copyOf).toBe(original!.id);
    expect(original).toMatchObject({ source: 'Wire', categories: ['Space'], publishedAt: now });
    expect((await copyCandidates(store, [123456789])).length).toBe(0);
    expect((await getArticles(store, [copy!.id]))[0]!.title).toBe('Ten satellites reach orbit');
    await store.close();
  });

  it("gives each near-copy key's lowest carriers, at most the number asked for, however many articles share it", async () => {
    const store = await openStore(await backend.fresh('carriers'));
    const q = sqlOf(store);
    const feed = await upsertFeed(store, { url: 'https://boilerplate.example/feed', title: 'Boilerplate' });
    // 300 articles share one key (one outlet's boilerplate summary); every third also carries a key of its own kind.
    const boilerplate = 2 ** 52 + 7;
    const ids: number[] = [];
    await store.transaction(async () => {
      for (let index = 0; index < 300; index++) {
        const row = await q.get<{ id: number }>(`INSERT INTO articles (feed_id, title, summary, content_html, published_at, first_seen_at, updated_at,
            content_hash, text_fingerprint) VALUES (?, ?, '', '', ?, ?, ?, ?, '') RETURNING id`, [feed, `Item ${index}`, now, now, now, `hash-${index}`]);
        ids.push(row!.id);
        await q.run('INSERT INTO article_copy_keys (key, article_id) VALUES (?, ?)', [boilerplate, row!.id]);
        if (index % 3 === 0) await q.run('INSERT INTO article_copy_keys (key, article_id) VALUES (?, ?)', [1000 + (index % 2), row!.id]);
      }
    });
    const carriers = await keyCarriers(store, [1001, boilerplate, 42, boilerplate, 1000], 16);
    expect([...carriers.keys()].sort((a, b) => a - b)).toEqual([1000, 1001, boilerplate]);
    expect(carriers.get(boilerplate)).toEqual(ids.slice(0, 16));
    expect(carriers.get(1000)).toEqual(ids.filter((_, index) => index % 6 === 0).slice(0, 16));
    expect(carriers.get(1001)).toEqual(ids.filter((_, index) => index % 6 === 3).slice(0, 16));
    expect(await keyCarriers(store, [boilerplate, 1000], 0)).toEqual(new Map());
    // The candidates of several keys: the lowest ids of their union.
    expect((await copyCandidates(store, [1001, 1000], 5)).map((candidate) => candidate.id)).toEqual(ids.filter((_, index) => index % 3 === 0).slice(0, 5));
    await store.close();
  });

  // saveFeedItems reads a feed's guids, links, words and near-copy keys once (article-lookups.ts): what the same save
  // has just written must answer the later items of the feed as the store itself would.
  it("answers a feed's later items from what the same save wrote: words, a shared link, new words, near copies", async () => {
    const store = await openStore(await backend.fresh('lookups'));
    const wire = await upsertFeed(store, { url: 'https://wire.example/feed', title: 'Wire' });
    const paper = await upsertFeed(store, { url: 'https://paper.example/feed', title: 'Paper' });
    await saveFeedItems(store, wire, [item('w1', 'Rocket Lab launches ten weather satellites', WIRE)], now);
    const LOCAL = 'The city council voted on Monday to keep the old harbour bridge open to cyclists and walkers while ' +
      'engineers finish their survey of the rusted supports, which is due before the end of the year.';
    const unlinked = (guid: string, title: string, summary: string) => ({ ...item(guid, title, summary), url: null, originalUrl: null });
    const shared = (guid: string, title: string, summary: string) => ({ ...item(guid, title, summary), url: 'https://paper.example/live' });
    expect(await saveFeedItems(store, paper, [
      unlinked('same-1', 'Bridge stays open', LOCAL),
      unlinked('same-2', 'Bridge stays open', LOCAL), // the same words under another guid: the article just stored
      shared('live-1', 'Live: the storm', 'Winds reached 120 km/h on the coast overnight.'),
      shared('live-2', 'Live: the clean-up', 'Crews cleared fallen trees from the main road by noon.'),
      item('p1', 'Ten satellites reach orbit', `WELLINGTON — ${WIRE}`), // a copy of the wire's article
    ], now)).toEqual({ added: 4, updated: 0, unchanged: 1 });
    const q = sqlOf(store);
    const rows = async () => q.all<{ guid: string; article_id: number; canonical_url: string | null; copy_of: number | null }>(
      `SELECT s.guid, s.article_id, a.canonical_url, a.copy_of FROM article_sources s JOIN articles a ON a.id = s.article_id
       WHERE s.feed_id = ? ORDER BY s.guid`, [paper]);
    const [wireArticle] = await q.all<{ id: number }>('SELECT id FROM articles WHERE feed_id = ?', [wire]);
    const first = Object.fromEntries((await rows()).map((row) => [row.guid, row]));
    expect(first['same-2']!.article_id).toBe(first['same-1']!.article_id);
    expect([first['live-1']!.canonical_url, first['live-2']!.canonical_url]).toEqual(['https://paper.example/live', null]);
    expect(first['p1']!.copy_of).toBe(wireArticle!.id);
    // New words for one article (its near-copy keys replaced), then a new copy of the wire in the same save.
    expect(await saveFeedItems(store, paper, [
      unlinked('same-1', 'Bridge stays open', `${LOCAL} Cyclists welcomed the vote.`),
      item('p2', 'Weather satellites in orbit', `AUCKLAND — ${WIRE}`),
    ], now)).toEqual({ added: 1, updated: 1, unchanged: 0 });
    const second = Object.fromEntries((await rows()).map((row) => [row.guid, row]));
    expect(second['p2']!.copy_of).toBe(wireArticle!.id);
    expect(await countArticles(store)).toBe(6);
    await store.close();
  });

  it('round-trips vectors bit for bit and knows which texts still need one', async () => {
    const store = await openStore(await backend.fresh('vectors'));
    const feed = await upsertFeed(store, { url: 'https://a.example/feed' });
    await saveFeedItems(store, feed, [item('a', 'First story', WIRE), item('b', 'Second story', 'Something else entirely happened today in the city.')], now);
    const tasks = await textsMissingEmbeddings(store, 'm');
    expect(tasks.map((task) => task.title)).toEqual(['First story', 'Second story']);
    const vector = new Float32Array([0.1, -2.5, Math.PI, 1e-30]);
    await saveEmbeddings(store, 'm', [{ contentHash: tasks[0]!.contentHash, vector }]);
    expect(await anyTextMissingEmbedding(store, 'm')).toBe(true);
    await saveEmbeddings(store, 'm', [{ contentHash: tasks[1]!.contentHash, vector: new Float32Array([1, 2, 3, 4]) }]);
    expect(await anyTextMissingEmbedding(store, 'm')).toBe(false);
    expect([...(await loadEmbeddings(store, 'm', [tasks[0]!.contentHash])).get(tasks[0]!.contentHash)!]).toEqual([...vector]);
    expect((await recentEmbeddings(store, 'm', 1)).length).toBe(1);
    await store.close();
  });

  it('updates many stories in one call, each with its own values, past one statement\'s rows, and skips unknown ids', async () => {
    const store = await openStore(await backend.fresh('update-stories'));
    const q = sqlOf(store);
    const ids = Array.from({ length: 503 }, (_, index) => `s-${String(index).padStart(3, '0')}`);
    await store.transaction(async () => {
      for (const id of ids) {
        await q.run("INSERT INTO stories (id, title, first_published_at, last_published_at, created_at, updated_at) VALUES (?, '', '', '', ?, ?)", [id, now, now]);
      }
    });
    const later = '2026-11-21T00:00:00.000Z';
    const record = (id: string, index: number) => ({ id, title: `Story ${index}`, leadArticleId: null, score: index / 4,
      firstPublishedAt: `2026-11-01T00:00:${String(index % 60).padStart(2, '0')}.000Z`, lastPublishedAt: now, articleCount: index + 1, sourceCount: (index % 3) + 1 });
    await updateStories(store, [...ids.map(record), record('s-unknown', 9)], later);
    const rows = await q.all<Record<string, unknown>>(`SELECT id, title, lead_article_id, score, first_published_at, last_published_at, article_count,
                                                              source_count, updated_at FROM stories ORDER BY id`);
    expect(rows.map((row) => ({ ...row, article_count: Number(row.article_count), source_count: Number(row.source_count) }))).toEqual(ids.map((id, index) => ({
      id, title: `Story ${index}`, lead_article_id: null, score: index / 4, first_published_at: record(id, index).firstPublishedAt,
      last_published_at: now, article_count: index + 1, source_count: (index % 3) + 1, updated_at: later,
    })));
    await store.close();
  });

  // PostgreSQL's INTEGER and REAL are 4 bytes (int4, float4), narrower than the bigint and double precision columns.
  it("keeps a story's score and lead id at full width: fractions, a months-old story's tiny score, a lead id past 2^31", async () => {
    const store = await openStore(await backend.fresh('story-widths'));
    const q = sqlOf(store);
    const feed = await upsertFeed(store, { url: 'https://a.example/feed' });
    const lead = 2 ** 40 + 3;
    await q.run(`INSERT INTO articles (id, feed_id, title, summary, content_html, published_at, first_seen_at, updated_at, content_hash,
                 text_fingerprint) VALUES (?, ?, 'Lead', '', '', ?, ?, ?, 'hash', '')`, [lead, feed, now, now, now]);
    // storyScore halves a day: a story whose newest member is 200 days old scores about 1e-60.
    const scores = [0.1, 1 / 3, Math.pow(0.5, 200) * 2.7, 1e300];
    for (const [index] of scores.entries()) {
      await q.run("INSERT INTO stories (id, title, first_published_at, last_published_at, created_at, updated_at) VALUES (?, '', '', '', ?, ?)", [`w${index}`, now, now]);
    }
    await updateStories(store, scores.map((score, index) => ({ id: `w${index}`, title: 'T', leadArticleId: lead, score, firstPublishedAt: now,
      lastPublishedAt: now, articleCount: 1, sourceCount: 1 })), now);
    expect(await q.all('SELECT lead_article_id, score FROM stories ORDER BY id')).toEqual(scores.map((score) => ({ lead_article_id: lead, score })));
    await store.close();
  });

  it('keeps stories, merges, related lists, profiles, topics and runs, and rolls a failed transaction back', async () => {
    const store = await openStore(await backend.fresh('stories'));
    const feed = await upsertFeed(store, { url: 'https://a.example/feed' });
    await saveFeedItems(store, feed, [item('a', 'One', WIRE), item('b', 'Two', `Other words. ${WIRE.slice(0, 40)}`, '2026-11-20T13:00:00.000Z')], now);
    const [a, b] = await unclusteredArticles(store);
    await saveMemberships(store, [{ articleId: a!.id, storyId: 's-a' }, { articleId: b!.id, storyId: 's-b' }], now);
    for (const [id, article] of [['s-a', a!], ['s-b', b!]] as const) {
      await updateStory(store, { id, title: article.title, leadArticleId: article.id, score: 1.5, firstPublishedAt: article.publishedAt,
        lastPublishedAt: article.publishedAt, articleCount: 1, sourceCount: 1 }, now);
    }
    const seed = await ensureTopic(store, { slug: 'space', label: 'Space', description: '', keywords: ['space'], origin: 'seed' }, now);
    expect(await ensureTopic(store, { slug: 'space', label: 'Space', description: 'd', keywords: ['space'], origin: 'seed' }, now)).toBe(seed);
    const found = await createDiscoveredTopic(store, { slug: 'space', label: 'Space again', keywords: [], stories: 2 }, now);
    expect(found.slug).toBe('space-2');
    await addStoryTopics(store, 's-b', [{ topicId: seed, weight: 0.5 }], '2026-11-19T00:00:00.000Z');
    await addStoryTopics(store, 's-a', [{ topicId: seed, weight: 0.7 }], now);
    await replaceRelated(store, 's-a', [{ id: 's-b', similarity: 0.4 }]);
    const sum = new Float32Array([1, 2]);
    await saveStoryProfiles(store, 'm', [{ id: 's-a', sum, size: 1, words: new Map([['rocket', 1]]), wordWeight: 0.3 }]);
    expect((await storyProfiles(store, 'm', ['s-a'])).get('s-a')).toMatchObject({ size: 1, wordWeight: 0.3, words: new Map([['rocket', 1]]) });
    expect(await storyTermListsSince(store, 'm', '')).toEqual([{ id: 's-a', terms: ['rocket'] }]);
    expect((await relatedOf(store, ['s-a'])).get('s-a')).toEqual([{ id: 's-b', similarity: 0.4 }]);

    await mergeStories(store, 's-b', 's-a');
    expect(await liveStoryIds(store)).toEqual(['s-a']);
    expect(await mergedStories(store)).toEqual([{ id: 's-b', mergedInto: 's-a', title: 'Two' }]);
    expect((await storiesArticles(store, ['s-a'])).get('s-a')!.map((article) => article.id)).toEqual([a!.id, b!.id]);
    // The survivor keeps the earlier of the two times it joined the topic.
    expect(await storiesOfTopic(store, seed)).toEqual([{ storyId: 's-a', addedAt: '2026-11-19T00:00:00.000Z', weight: 0.7 }]);
    expect((await liveStories(store)).map((row) => row.id)).toEqual(['s-a']);
    expect([...(await articlesByStory(store)).keys()]).toEqual(['s-a']);
    expect((await listTopics(store)).map((topic) => topic.slug)).toEqual(['space', 'space-2']);

    await saveTopicProfile(store, 'm', { topicId: seed, vectorSum: new Float32Array([0.5, 0.25]), termSums: new Map([['rocket', 2]]), stories: 2 });
    expect(await loadTopicProfiles(store, 'm')).toEqual([{ topicId: seed, vectorSum: new Float32Array([0.5, 0.25]), termSums: new Map([['rocket', 2]]), stories: 2 }]);
    await addTermDocuments(store, [['rocket', 'orbit'], ['rocket']]);
    await addTermDocuments(store, [['rocket']]);
    const counts = await termDocumentCounts(store, ['rocket', 'orbit', 'absent']);
    expect([counts.documents, counts.byTerm.get('rocket'), counts.byTerm.get('orbit'), counts.byTerm.get('absent')]).toEqual([3, 3, 1, undefined]);

    const run = await startRun(store, 'cluster');
    await finishRun(store, run, true, { placed: 2 });
    expect((await recentRuns(store, 1))[0]).toMatchObject({ id: run, stage: 'cluster', ok: true, counts: { placed: 2 } });

    await expect(store.transaction(async () => {
      await upsertFeed(store, { url: 'https://never.example/feed' });
      throw new Error('half-way failure');
    })).rejects.toThrow('half-way failure');
    expect((await listFeeds(store)).map((row) => row.url)).toEqual(['https://a.example/feed']);
    await store.close();
  });
});

// Shown as skipped, with the reason, only when no PostgreSQL server is configured.
if (postgresSkipReason) describe.skip(`the store on postgres: ${postgresSkipReason}`, () => it('runs the suite above', () => undefined));
