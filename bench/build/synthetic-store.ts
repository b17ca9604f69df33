// A synthetic but realistic store for the build benchmark, written through Wirefold's own store functions: outlets
// with fetch health, articles with headlines, summaries and dates over the last month, stories of 1–15 articles from
// distinct outlets, topics of very different sizes (a few huge, a long tail) and related-story lists.
// Seeded, so every run builds the same site (dated relative to the time it runs).
import { createHash } from 'node:crypto';
import { openStore } from '../../src/store/store.ts';
import { listFeeds, recordFetch, upsertFeed } from '../../src/store/feeds.ts';
import { unclusteredArticles } from '../../src/store/articles.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import type { Article } from '../../src/store/articles.ts';
import { replaceRelated, saveMemberships, updateStory } from '../../src/store/stories.ts';
import { ensureTopic, listTopics, setStoryTopics } from '../../src/store/topics.ts';
import { storyScore } from '../../src/cluster/stories/lead.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { random as seededRandom } from '../ingest/feeds.ts';

export interface SyntheticShape {
  stories: number;
  articles: number;
  topics: number;
  outlets: number;
  days: number;
  seed: number;
}

export const benchShape: SyntheticShape = { stories: 5000, articles: 20000, topics: 200, outlets: 60, days: 30, seed: 20250601 };

export interface SyntheticSummary {
  stories: number;
  articles: number;
  topics: number;
  outlets: number;
  relatedLinks: number;
  topicLinks: number;
}

const companies = ['Apple', 'Google', 'Microsoft', 'Meta', 'Amazon', 'Nvidia', 'OpenAI', 'Anthropic', 'Intel', 'AMD', 'Samsung',
  'TSMC', 'Tesla', 'SpaceX', 'Netflix', 'Spotify', 'Valve', 'Nintendo', 'Sony', 'Qualcomm', 'Arm', 'IBM', 'Oracle', 'Cisco',
  'Cloudflare', 'GitHub', 'Mozilla', 'Signal', 'Proton', 'Framework', 'Raspberry Pi', 'NASA', 'ESA', 'CERN', 'Rocket Lab',
  'Blue Origin', 'Boeing', 'Airbus', 'Rivian', 'Huawei', 'Xiaomi', 'ByteDance', 'Reddit', 'Discord', 'Stripe', 'Shopify'];
const things = ['chip', 'smartphone', 'browser', 'AI model', 'search engine', 'cloud region', 'satellite', 'rocket', 'headset',
  'laptop', 'operating system', 'app store', 'data center', 'battery', 'telescope', 'compiler', 'database', 'router',
  'encryption protocol', 'game console', 'subscription plan', 'antitrust case', 'privacy policy', 'open-source license'];
const events = ['unveils new', 'delays its', 'recalls', 'cuts prices on', 'opens source of', 'faces probe over', 'ships',
  'patches flaw in', 'wins ruling on', 'loses appeal over', 'doubles down on', 'quietly kills', 'launches', 'tests',
  'sues over', 'expands', 'pauses', 'reveals roadmap for', 'reports record sales of', 'confirms outage of'];
const angles = ['in Europe', 'after months of rumours', 'amid regulatory pressure', 'for developers', 'ahead of schedule',
  'at its annual event', 'in a surprise move', 'as rivals close in', 'after a security scare', 'for the first time', '', '', ''];
const outletWords = ['Circuit', 'Orbit', 'Kernel', 'Signal', 'Vector', 'Byte', 'Quantum', 'Silicon', 'Packet', 'Photon',
  'Lattice', 'Relay', 'Beacon', 'Cipher', 'Pixel', 'Tensor'];
const outletKinds = ['Daily', 'Weekly', 'Times', 'Review', 'Wire', 'Post', 'Journal', 'Report', 'Monitor', 'Dispatch'];
const topicAreas = ['Artificial intelligence', 'Semiconductors', 'Space', 'Security', 'Privacy', 'Open source', 'Cloud',
  'Mobile', 'Gaming', 'Electric vehicles', 'Climate tech', 'Policy', 'Antitrust', 'Startups', 'Science', 'Health tech',
  'Robotics', 'Networking', 'Browsers', 'Developer tools'];
const topicFacets = ['', 'in Europe', 'in Asia', 'funding', 'research', 'hardware', 'software', 'regulation', 'outages', 'launches'];

export async function generateSyntheticStore(path: string, shape: SyntheticShape = benchShape, now: Date = new Date()): Promise<SyntheticSummary> {
  const random = seededRandom(shape.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const store = await openStore(path);
  try {
    const feedIds = await Promise.all(outlets(shape.outlets).map(async (outlet, index) => {
      const id = await upsertFeed(store, { url: `https://${outlet.host}/feed.xml`, title: outlet.name, siteUrl: `https://${outlet.host}/` }, nowIso);
      const failing = index % 17 === 5;
      await recordFetch(store, id, {
        fetchedAt: nowIso, status: failing ? 503 : 200, error: failing ? 'HTTP 503 Service Unavailable' : null,
        nextFetchAt: new Date(nowMs + 15 * 60_000).toISOString(), title: outlet.name, itemsSeen: 0,
      });
      return { id, ...outlet };
    }));

    // Story sizes: mostly small, a few large, 1–15, nudged until they add up to exactly the article count.
    const sizes = Array.from({ length: shape.stories }, () => Math.min(15, 1 + Math.floor(-Math.log(1 - random()) * 3)));
    let total = sizes.reduce((sum, size) => sum + size, 0);
    while (total !== shape.articles) {
      const index = Math.floor(random() * sizes.length);
      if (total < shape.articles && sizes[index]! < 15) { sizes[index]!++; total++; }
      if (total > shape.articles && sizes[index]! > 1) { sizes[index]!--; total--; }
    }

    // Articles, grouped per outlet so each outlet's items are saved the way ingest saves one feed's items.
    const itemsByFeed = new Map<number, FeedItem[]>();
    const storyOfUrl = new Map<string, number>();
    const spanMs = shape.days * 86400_000;
    sizes.forEach((size, storyIndex) => {
      // Recent days hold more stories, as on a live site.
      const startMs = nowMs - spanMs * Math.pow(random(), 1.5) - 3600_000;
      const subject = { company: pick(companies), thing: pick(things), event: pick(events) };
      const outletsOfStory = new Set<number>();
      while (outletsOfStory.size < size) outletsOfStory.add(Math.floor(random() * feedIds.length));
      [...outletsOfStory].forEach((outletIndex, order) => {
        const outlet = feedIds[outletIndex]!;
        const published = new Date(Math.min(nowMs - 60_000, startMs + order * random() * 6 * 3600_000)).toISOString();
        const title = headline(subject, order, pick(angles));
        const url = `https://${outlet.host}/${published.slice(0, 10).replace(/-/g, '/')}/${slugOf(title)}-${storyIndex}-${order}`;
        const summary = summaryText(subject, outlet.name, random);
        const items = itemsByFeed.get(outlet.id) ?? [];
        items.push({
          guid: url, title, url, originalUrl: `${url}?utm_source=rss`, published, updated: null, dateFlag: null,
          author: order % 3 === 0 ? `${pick(['Alex', 'Sam', 'Priya', 'Chen', 'Maria', 'Tom'])} ${pick(['Ng', 'Okafor', 'Silva', 'Berg', 'Kim'])}` : null,
          summary, contentHtml: `<p>${summary}</p><p>${summaryText(subject, outlet.name, random)}</p>`,
          image: order % 4 === 0 ? `https://${outlet.host}/images/${storyIndex}-${order}.jpg` : null,
          categories: [subject.company, subject.thing],
        });
        itemsByFeed.set(outlet.id, items);
        storyOfUrl.set(url, storyIndex);
      });
    });
    for (const [feedId, items] of itemsByFeed) await saveFeedItems(store, feedId, items, nowIso);

    const storyIds = sizes.map((_, index) => createHash('sha256').update(`synthetic-story-${shape.seed}-${index}`).digest('hex').slice(0, 10));
    const members: Article[][] = sizes.map(() => []);
    for (const article of await unclusteredArticles(store)) members[storyOfUrl.get(article.canonicalUrl!)!]!.push(article);
    await saveMemberships(store, members.flatMap((articles, index) => articles.map((article) => ({ articleId: article.id, storyId: storyIds[index]! }))), nowIso);

    let topicLinks = 0;
    let relatedLinks = 0;
    await store.transaction(async () => {
      for (const [index, articles] of members.entries()) {
        // unclusteredArticles returns articles oldest first; the first one leads.
        await updateStory(store, {
          id: storyIds[index]!, title: articles[0]!.title, leadArticleId: articles[0]!.id, score: storyScore(articles, nowMs),
          firstPublishedAt: articles[0]!.publishedAt, lastPublishedAt: articles.at(-1)!.publishedAt,
          articleCount: articles.length, sourceCount: new Set(articles.map((article) => article.source)).size,
        }, nowIso);
      }

      // Topic sizes follow a power law: the first topics hold hundreds of stories, the tail a handful.
      const topicIds = await Promise.all(topicNames(shape.topics).map(async (name) => await ensureTopic(store, {
        slug: slugOf(name), label: name, description: `Stories about ${name.toLowerCase()}, clustered from many outlets.`,
        keywords: name.toLowerCase().split(' '), origin: 'seed',
      }, nowIso)));
      const weights = topicIds.map((_, rank) => 1 / Math.pow(rank + 1, 0.9));
      const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
      const drawTopic = () => {
        let target = random() * weightSum;
        for (let rank = 0; rank < weights.length; rank++) if ((target -= weights[rank]!) <= 0) return rank;
        return weights.length - 1;
      };
      for (const [index, articles] of members.entries()) {
        const chosen = new Set<number>();
        const count = Math.floor(random() * 4); // 0–3 topics per story
        while (chosen.size < count) chosen.add(drawTopic());
        // Every topic gets at least one story, so all of them have pages.
        if (index < topicIds.length) chosen.add(index);
        const added = articles.at(-1)!.publishedAt;
        await setStoryTopics(store, storyIds[index]!, [...chosen].map((rank) => ({ topicId: topicIds[rank]!, weight: 0.34 + random() * 0.66 })), added);
        topicLinks += chosen.size;
      }

      // Related stories: up to five others first reported within three days.
      const byTime = members.map((articles, index) => ({ index, time: Date.parse(articles[0]!.publishedAt) })).sort((a, b) => a.time - b.time);
      for (const [position, entry] of byTime.entries()) {
        const related: { id: string; similarity: number }[] = [];
        const wanted = Math.floor(random() * 6);
        for (let attempt = 0; attempt < 20 && related.length < wanted; attempt++) {
          const other = byTime[Math.max(0, Math.min(byTime.length - 1, position + Math.round((random() - 0.5) * 60)))]!;
          if (other.index === entry.index || Math.abs(other.time - entry.time) > 3 * 86400_000) continue;
          const id = storyIds[other.index]!;
          if (!related.some((item) => item.id === id)) related.push({ id, similarity: 0.3 + random() * 0.5 });
        }
        related.sort((a, b) => b.similarity - a.similarity);
        await replaceRelated(store, storyIds[entry.index]!, related);
        relatedLinks += related.length;
      }
    });

    return { stories: shape.stories, articles: total, topics: shape.topics, outlets: shape.outlets, relatedLinks, topicLinks };
  } finally {
    await store.close();
  }
}

function outlets(count: number): { name: string; host: string }[] {
  const list: { name: string; host: string }[] = [];
  for (let index = 0; list.length < count; index++) {
    const name = `${outletWords[index % outletWords.length]} ${outletKinds[Math.floor(index / outletWords.length) % outletKinds.length]}`;
    list.push({ name, host: `${slugOf(name)}.example` });
  }
  return list;
}

function topicNames(count: number): string[] {
  const names: string[] = [];
  for (let index = 0; names.length < count; index++) {
    const area = topicAreas[index % topicAreas.length]!;
    const facet = topicFacets[Math.floor(index / topicAreas.length) % topicFacets.length]!;
    names.push(facet ? `${area} ${facet}` : area);
  }
  return names;
}

function headline(subject: { company: string; thing: string; event: string }, variant: number, angle: string): string {
  const forms = [
    `${subject.company} ${subject.event} ${subject.thing} ${angle}`,
    `${subject.company}'s ${subject.thing}: what the news means ${angle}`,
    `Report: ${subject.company} ${subject.event} ${subject.thing}`,
    `Why ${subject.company} ${subject.event} its ${subject.thing} ${angle}`,
    `${subject.company} ${subject.event} ${subject.thing}, sources say`,
  ];
  return forms[variant % forms.length]!.replace(/\s+/g, ' ').trim();
}

function summaryText(subject: { company: string; thing: string; event: string }, outlet: string, random: () => number): string {
  const figures = Math.floor(random() * 900) + 100;
  return `${subject.company} ${subject.event} ${subject.thing}, a move that analysts at ${outlet} say could affect ` +
    `${figures} million users. The company did not comment on timing, pricing or availability outside the United States, ` +
    `and said more details would follow in the coming weeks as partners finish testing.`;
}

function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Adds `count` new stories to a store generateSyntheticStore wrote, the way a rebuild's cluster stage would: each of two
 * articles from two outlets, reported in the last hour before now, in one of the store's topics, with no related
 * stories. For the incremental build (bench/build, test/site/incremental-build.test.ts). Seeded by `seed`; the store's
 * other stories are left as they are. Returns the new stories' ids.
 */
export async function addSyntheticStories(path: string, count: number, seed: number, now: Date = new Date()): Promise<string[]> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const nowIso = now.toISOString();
  const store = await openStore(path, { mustExist: true });
  try {
    const feeds = await listFeeds(store);
    const topics = await listTopics(store);
    const storyOfUrl = new Map<string, number>();
    for (let storyIndex = 0; storyIndex < count; storyIndex++) {
      const subject = { company: pick(companies), thing: pick(things), event: pick(events) };
      const first = Math.floor(random() * feeds.length);
      for (const [order, feed] of [feeds[first]!, feeds[(first + 1) % feeds.length]!].entries()) {
        const published = new Date(now.getTime() - 3600_000 + storyIndex * 1000 + order * 60_000).toISOString();
        const title = headline(subject, order, pick(angles));
        const url = `${feed.siteUrl}${published.slice(0, 10).replace(/-/g, '/')}/${slugOf(title)}-new-${seed}-${storyIndex}-${order}`;
        const summary = summaryText(subject, feed.title ?? '', random);
        await saveFeedItems(store, feed.id, [{
          guid: url, title, url, originalUrl: url, published, updated: null, dateFlag: null, author: null, summary,
          contentHtml: `<p>${summary}</p>`, image: null, categories: [subject.company],
        }], nowIso);
        storyOfUrl.set(url, storyIndex);
      }
    }
    const ids = Array.from({ length: count }, (_, index) => createHash('sha256').update(`synthetic-new-story-${seed}-${index}`).digest('hex').slice(0, 10));
    const members: Article[][] = ids.map(() => []);
    for (const article of await unclusteredArticles(store)) {
      const index = storyOfUrl.get(article.canonicalUrl!);
      if (index !== undefined) members[index]!.push(article);
    }
    await saveMemberships(store, members.flatMap((articles, index) => articles.map((article) => ({ articleId: article.id, storyId: ids[index]! }))), nowIso);
    await store.transaction(async () => {
      for (const [index, articles] of members.entries()) {
        await updateStory(store, {
          id: ids[index]!, title: articles[0]!.title, leadArticleId: articles[0]!.id, score: storyScore(articles, now.getTime()),
          firstPublishedAt: articles[0]!.publishedAt, lastPublishedAt: articles.at(-1)!.publishedAt,
          articleCount: articles.length, sourceCount: new Set(articles.map((article) => article.source)).size,
        }, nowIso);
        await setStoryTopics(store, ids[index]!, [{ topicId: pick(topics).id, weight: 0.5 }], articles.at(-1)!.publishedAt);
      }
    });
    return ids;
  } finally {
    await store.close();
  }
}
