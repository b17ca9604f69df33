// A synthetic news stream for the clustering benchmark: events of heavy-tailed size told by several outlets over 30
// days, each article with a headline, a summary and a precomputed 512-dimension "embedding". Vectors mix a component
// every article shares, one per subject, one per event and noise, weighted so that cosines land where a sentence
// model puts them: about 0.7 within an event, 0.35 within a subject, 0.15 between random articles.
// Seeded: every run writes the same stream.
import { contentHash } from '../../src/store/articles.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { saveEmbeddings } from '../../src/store/embeddings.ts';
import { upsertFeed } from '../../src/store/feeds.ts';
import type { Store } from '../../src/store/store.ts';
import type { FeedItem } from '../../src/ingest/types.ts';
import { random as seededRandom } from '../ingest/feeds.ts';

export const syntheticModelId = 'synthetic-stream:512';
const dimensions = 512;
const weights = { shared: 0.15, subject: 0.2, event: 0.35, noise: 0.3 };

const companies = ['Meta', 'Google', 'Apple', 'Microsoft', 'Amazon', 'Nvidia', 'Tesla', 'SpaceX', 'NASA', 'ESA', 'Intel',
  'Samsung', 'TikTok', 'OpenAI', 'Cloudflare', 'Boeing', 'Netflix', 'Sony', 'Uber', 'Airbnb'];
const subjects = ['outage', 'antitrust trial', 'fossil find', 'new star', 'data breach', 'chip launch', 'rocket launch',
  'layoffs', 'privacy fine', 'earnings', 'merger', 'tariff ruling', 'app ban', 'AI model', 'recall', 'strike'];
const verbs = ['confirms', 'denies', 'faces', 'reports', 'announces', 'investigates', 'settles', 'delays', 'reveals'];
const places = ['in Europe', 'in Texas', 'in India', 'in Brazil', 'in Japan', 'in Kenya', 'in Canada', 'worldwide', ''];

export interface StreamArticle {
  item: FeedItem;
  outlet: number;
  vector: Float32Array;
}

/** `count` articles in time order, published between `start` and `start + days`. */
export function syntheticStream(count: number, start: number, days = 30, seed = 7): StreamArticle[] {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const unit = () => {
    const vector = new Float32Array(dimensions);
    for (let d = 0; d < dimensions; d++) vector[d] = gaussian() / Math.sqrt(dimensions);
    return vector;
  };
  const shared = unit();
  const subjectVectors = Array.from({ length: 200 }, unit);
  const articles: StreamArticle[] = [];
  for (let event = 0; articles.length < count; event++) {
    const subject = Math.floor(random() * subjectVectors.length);
    const eventVector = unit();
    const company = companies[subject % companies.length]!;
    const what = subjects[Math.floor(subject / companies.length) % subjects.length]!;
    const place = places[Math.floor(random() * places.length)]!;
    const begins = start + random() * days * 86400_000;
    // Heavy tail: most events have one to three articles, a few have dozens.
    const size = Math.min(40, 1 + Math.floor(-Math.log(random() || 1e-12) * 2.5 * (random() < 0.1 ? 4 : 1)));
    for (let index = 0; index < size && articles.length < count; index++) {
      const vector = new Float32Array(dimensions);
      const noise = unit();
      let norm = 0;
      for (let d = 0; d < dimensions; d++) {
        vector[d] = Math.sqrt(weights.shared) * shared[d]! + Math.sqrt(weights.subject) * subjectVectors[subject]![d]! +
          Math.sqrt(weights.event) * eventVector[d]! + Math.sqrt(weights.noise) * noise[d]!;
        norm += vector[d]! ** 2;
      }
      for (let d = 0; d < dimensions; d++) vector[d]! /= Math.sqrt(norm);
      const published = new Date(begins + Math.min(72, -Math.log(random() || 1e-12) * 8) * 3600_000).toISOString();
      const verb = verbs[Math.floor(random() * verbs.length)]!;
      const title = `${company} ${verb} ${what} ${place} (${event})`.replace(/\s+/g, ' ');
      const url = `https://outlet${index % 60}.example/${event}/${index}`;
      articles.push({
        outlet: (event * 7 + index) % 60,
        vector,
        item: {
          guid: url, title, url, originalUrl: url, published, updated: null, dateFlag: null, author: null,
          summary: `${title}: what happened, who is affected and what comes next, as reported on ${published.slice(0, 10)}.`,
          contentHtml: '', image: null, categories: [],
        },
      });
    }
  }
  return articles.sort((a, b) => a.item.published!.localeCompare(b.item.published!));
}

/**
 * Writes the articles and their vectors into the store as ingest and embed would; `modelId` is the id the vectors are
 * stored under (the `wirefold` command names its model `<folder name>:<dtype>`).
 */
export async function writeStream(store: Store, articles: readonly StreamArticle[], now: string, modelId = syntheticModelId): Promise<void> {
  const feeds = await Promise.all(Array.from({ length: 60 }, async (_, outlet) => await upsertFeed(store, { url: `https://outlet${outlet}.example/feed`, title: `Outlet ${outlet}` }, now)));
  const byOutlet = new Map<number, FeedItem[]>();
  for (const article of articles) byOutlet.set(article.outlet, [...(byOutlet.get(article.outlet) ?? []), article.item]);
  await store.transaction(async () => {
    for (const [outlet, items] of byOutlet) await saveFeedItems(store, feeds[outlet]!, items, now);
  });
  await saveEmbeddings(store, modelId, articles.map(({ item, vector }) => ({ contentHash: contentHash(item.title, item.summary), vector })));
}

