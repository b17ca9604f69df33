// Topics through the real cluster stage: a real SQLite store, the real embedding model, a few dozen headlines written
// for this test. Subjects recur days apart, so each headline is its own story and topics have to gather them.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { eng } from 'stopword';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { listTopics, storiesOfTopic } from '../../src/store/topics.ts';
import type { TopicRecord } from '../../src/store/topics.ts';
import { embedArticles } from '../../src/embed/embed-stage.ts';
import { createEmbedder } from '../../src/embed/transformers-embedder.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { clusterArticles } from '../../src/cluster/cluster-stage.ts';
import type { TopicSeed } from '../../src/cluster/topics/topics.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

const mars = [
  'NASA rover finds ancient lake sediments in Jezero crater on Mars',
  'Mars rover drills its tenth rock core sample for return to Earth',
  'Curiosity rover spots a shiny metal meteorite on the Martian surface',
  'NASA delays the Mars Sample Return mission as costs climb',
  'Mars helicopter completes its fiftieth flight over the red planet',
  'Orbiter maps water ice buried under the Mars mid-latitudes',
  'Mars rover photographs dust devils sweeping across Jezero crater',
  'Rover finds organic molecules in Martian mudstone on Mars',
  'Dust storm on Mars forces the rover to pause driving for a week',
  'European Mars rover gets a new launch date for its landing',
  'NASA rover records the sound of Martian wind on Mars',
  'Mars orbiter photographs the rover tracks from above',
];

const football = [
  'Manchester United sign Brazilian striker in record football transfer',
  'Liverpool midfielder agrees new five-year contract with the football club',
  'Arsenal striker scores twice as Premier League leaders win at Chelsea',
  'Barcelona confirm football transfer of young winger to Bayern Munich',
  'Tottenham sack football manager after run of Premier League defeats',
  'Chelsea goalkeeper injured in football training, out for six weeks',
];

const elsewhere = [
  'Central bank raises interest rates by a quarter point to curb inflation',
  'Heavy snow closes schools across northern Japan',
  'Apple unveils a thinner laptop with a faster chip',
  'Wildfire forces thousands to evacuate homes in California',
  'Parliament passes a new data privacy law',
  'Oil prices fall as producers increase output',
  'Hospital nurses strike for a third day over pay',
  'Museum returns a stolen painting to Italy',
  'Startup claims its phone battery charges in five minutes',
  'Train derailment injures a dozen passengers in Spain',
  'City council approves a new tram line downtown',
  'Chess champion defends her title in a tie-break',
];

const day = 86400_000;
const start = Date.parse('2026-03-01T08:00:00Z');

interface Headline {
  title: string;
  time: number;
  source: string;
  categories?: string[];
}

/** Each subject's headlines four days apart (beyond any story window), the subjects interleaved. */
function schedule(titles: readonly string[], offsetHours: number, source: string, first = 0): Headline[] {
  return titles.map((title, index) => ({ title, time: start + (first + index) * 4 * day + offsetHours * 3600_000, source }));
}

let embedder: Embedder;
beforeAll(async () => {
  embedder = await createEmbedder({});
}, 120_000);

async function ingestAndCluster(store: Store, headlines: readonly Headline[], seeds: readonly TopicSeed[] = []): Promise<Date> {
  for (const headline of headlines) {
    const feedId = await upsertFeed(store, { url: `https://feeds.test/${headline.source}`, title: headline.source });
    const published = new Date(headline.time).toISOString();
    await saveFeedItems(store, feedId, [{
      guid: headline.title, title: headline.title, url: `https://news.test/${encodeURIComponent(headline.title)}`, originalUrl: null,
      published, updated: null, dateFlag: null, author: null, summary: '', contentHtml: '', image: null, categories: headline.categories ?? [],
    }], published);
  }
  await embedArticles(store, embedder);
  const now = new Date(Math.max(...headlines.map((headline) => headline.time)) + 3600_000);
  await clusterArticles(store, { modelId: embedder.id, topicSeeds: seeds, now });
  return now;
}

async function topicHolding(store: Store, titleWords: RegExp): Promise<TopicRecord | undefined> {
  const stories = sqliteDb(store).prepare('SELECT sa.story_id, a.title FROM story_articles sa JOIN articles a ON a.id = sa.article_id').all() as { story_id: string; title: string }[];
  const wanted = new Set(stories.filter((story) => titleWords.test(story.title)).map((story) => story.story_id));
  let best: { topic: TopicRecord; hits: number } | undefined;
  for (const topic of await listTopics(store)) {
    const hits = (await storiesOfTopic(store, topic.id)).filter((member) => wanted.has(member.storyId)).length;
    if (hits > (best?.hits ?? 0)) best = { topic, hits };
  }
  return best?.topic;
}

describe('topics', () => {
  it('discovers a topic from recurring stories, names it with readable words, and keeps its slug while it grows', async () => {
    const store = await openStore(join(tempFolder(), 'topics.db'));
    await ingestAndCluster(store, [
      ...schedule(mars.slice(0, 6), 0, 'space-desk'),
      ...schedule(football, 3, 'sports-desk'),
      ...schedule(elsewhere.slice(0, 6), 6, 'wire'),
    ]);
    const marsTopic = await topicHolding(store, /Mars|Martian|rover/);
    expect(marsTopic?.origin).toBe('discovered');
    const firstMembers = await storiesOfTopic(store, marsTopic!.id);
    expect(firstMembers.length).toBeGreaterThanOrEqual(5);

    // Readable: words of the members, no stopwords, no bare numbers.
    const stopWords = new Set(eng);
    const labelWords = marsTopic!.label.toLowerCase().split(/[\s,]+/).filter(Boolean);
    expect(labelWords.length).toBeGreaterThan(0);
    expect(labelWords.filter((word) => stopWords.has(word) || /^\d+$/.test(word))).toEqual([]);
    expect(marsTopic!.label).toMatch(/Mars|rover|Martian|Jezero/i);
    expect(marsTopic!.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);

    // Second run: the subject goes on and doubles; the topic takes the new stories, relabels, and keeps its slug.
    const secondNow = await ingestAndCluster(store, [
      ...schedule(mars.slice(6), 1, 'space-desk', 6),
      ...schedule(elsewhere.slice(6), 7, 'wire', 6),
    ]);
    const after = (await listTopics(store)).find((topic) => topic.id === marsTopic!.id)!;
    expect(after.slug).toBe(marsTopic!.slug);
    const members = await storiesOfTopic(store, marsTopic!.id);
    expect(members.length).toBeGreaterThanOrEqual(firstMembers.length + 4);
    expect(after.labelledStories).toBeGreaterThan(marsTopic!.labelledStories);

    // Nothing is re-sent: every first-run membership is still there with its first-run date; the rest are new.
    const firstAdded = new Map(firstMembers.map((member) => [member.storyId, member.addedAt]));
    for (const member of members) {
      if (firstAdded.has(member.storyId)) expect(member.addedAt).toBe(firstAdded.get(member.storyId));
      else expect(member.addedAt).toBe(secondNow.toISOString());
    }
    expect(members.filter((member) => firstAdded.has(member.storyId)).length).toBe(firstMembers.length);

    // No catch-all: the unrelated headlines stay out of the Mars topic.
    const titles = sqliteDb(store).prepare(`SELECT a.title FROM topic_stories ts JOIN story_articles sa ON sa.story_id = ts.story_id
      JOIN articles a ON a.id = sa.article_id WHERE ts.topic_id = ?`).all(marsTopic!.id) as { title: string }[];
    expect(titles.filter((row) => elsewhere.includes(row.title))).toEqual([]);
    await store.close();
  }, 120_000);

  it('lets seeds gather stories by keyword under the seed name, alongside discovered topics', async () => {
    const store = await openStore(join(tempFolder(), 'seeds.db'));
    const seeds: TopicSeed[] = [{ name: 'Football', slug: 'football', description: 'The beautiful game.', keywords: ['football', 'striker', 'Premier League'] }];
    await ingestAndCluster(store, [
      ...schedule(mars.slice(0, 6), 0, 'space-desk'),
      ...schedule(football, 3, 'sports-desk'),
      ...schedule(elsewhere, 6, 'wire'),
    ], seeds);
    const seedTopic = (await listTopics(store)).find((topic) => topic.slug === 'football')!;
    expect(seedTopic.origin).toBe('seed');
    expect(seedTopic.label).toBe('Football');
    const memberTitles = new Set((sqliteDb(store).prepare(`SELECT a.title FROM topic_stories ts JOIN story_articles sa ON sa.story_id = ts.story_id
      JOIN articles a ON a.id = sa.article_id WHERE ts.topic_id = ?`).all(seedTopic.id) as { title: string }[]).map((row) => row.title));
    expect([...memberTitles].sort()).toEqual([...football].sort());

    // Once the seed has members, its keyword alone no longer takes an off-subject story: the members must agree.
    await ingestAndCluster(store, [{ title: 'Hunger striker ends his protest outside the city parliament', time: start + 40 * day, source: 'wire' }], seeds);
    const after = (sqliteDb(store).prepare(`SELECT a.title FROM topic_stories ts JOIN story_articles sa ON sa.story_id = ts.story_id
      JOIN articles a ON a.id = sa.article_id WHERE ts.topic_id = ?`).all(seedTopic.id) as { title: string }[]).map((row) => row.title);
    expect(after.sort()).toEqual([...football].sort());
    await store.close();
  }, 120_000);

  it('makes a topic of a feed category that several feeds share', async () => {
    const store = await openStore(join(tempFolder(), 'categories.db'));
    // Five unrelated stories share the category, among enough others that it does not describe everything.
    const tagged = elsewhere.slice(0, 5).map((title, index) => ({
      title, time: start + index * 4 * day, source: index % 2 ? 'left-feed' : 'right-feed', categories: ['Open Source'],
    }));
    await ingestAndCluster(store, [...tagged, ...schedule(elsewhere.slice(5), 2, 'wire'), ...schedule(mars.slice(0, 6), 4, 'space-desk'), ...schedule(football, 6, 'sports-desk')]);
    const category = (await listTopics(store)).find((topic) => topic.slug === 'open-source');
    expect(category?.origin).toBe('category');
    expect(category?.label).toBe('Open Source');
    expect(await storiesOfTopic(store, category!.id)).toHaveLength(5);
    await store.close();
  }, 120_000);
});
