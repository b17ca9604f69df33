// Read-only queries for the site build: everything a static site shows, in a few whole-table reads shaped for pages.
// The build reads the whole store anyway, so one pass per table beats a query per page by a wide margin.
import type { TopicStoryLink } from '../model/topic.ts';
export type { TopicStoryLink } from '../model/topic.ts';
import type { LiveStoryRow, MergedStoryRow } from '../model/story.ts';
export type { LiveStoryRow, MergedStoryRow } from '../model/story.ts';
import type { ArticleSummary } from '../model/article.ts';
export type { ArticleSummary } from '../model/article.ts';
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';
import type { Feed } from '../model/feed.ts';
import type { TopicRecord } from '../model/topic.ts';
import { listFeeds } from './feeds.ts';
import { listTopics } from './topics.ts';

/** Stories that are shown: not merged away, with at least one article; newest first. */
export async function liveStories(store: Store): Promise<LiveStoryRow[]> {
  const rows = (await sqlOf(store).all(
    `SELECT id, title, score, lead_article_id, first_published_at, last_published_at, source_count
     FROM stories WHERE merged_into IS NULL AND article_count > 0 ORDER BY last_published_at DESC, id`,
  )) as { id: string; title: string; score: number; lead_article_id: number | null; first_published_at: string;
    last_published_at: string; source_count: number }[];
  return rows.map((row) => ({
    id: row.id, title: row.title, score: row.score, leadArticleId: row.lead_article_id,
    firstPublishedAt: row.first_published_at, lastPublishedAt: row.last_published_at, sourceCount: row.source_count,
  }));
}

/** Stories folded into another one; their old URLs must keep working. */
export async function mergedStories(store: Store): Promise<MergedStoryRow[]> {
  return ((await sqlOf(store).all('SELECT id, merged_into, title FROM stories WHERE merged_into IS NOT NULL ORDER BY id')) as { id: string; merged_into: string; title: string }[])
    .map((row) => ({ id: row.id, mergedInto: row.merged_into, title: row.title }));
}

/** Every article of a live story, grouped by story, each group oldest first. */
export async function articlesByStory(store: Store): Promise<Map<string, ArticleSummary[]>> {
  const rows = (await sqlOf(store).all(
    `SELECT sa.story_id, a.id, a.feed_id, f.title AS feed_title, f.url AS feed_url, a.canonical_url, a.title,
       a.summary, a.image, a.published_at, a.first_seen_at, a.updated_at
     FROM story_articles sa JOIN articles a ON a.id = sa.article_id JOIN feeds f ON f.id = a.feed_id
     JOIN stories s ON s.id = sa.story_id AND s.merged_into IS NULL
     ORDER BY a.published_at, a.id`,
  )) as { story_id: string; id: number; feed_id: number; feed_title: string | null; feed_url: string; canonical_url: string | null; title: string;
    summary: string; image: string | null; published_at: string; first_seen_at: string; updated_at: string }[];
  const byStory = new Map<string, ArticleSummary[]>();
  for (const row of rows) {
    const article: ArticleSummary = {
      id: row.id, source: outletName(row.feed_title, row.feed_url), feedId: row.feed_id, url: row.canonical_url, title: row.title,
      summary: row.summary, image: row.image, publishedAt: row.published_at,
      // Compared as instants, as the feeds compare them (channel.ts), not as text: a store copied from elsewhere may
      // write the same instant another way.
      revisedAt: Date.parse(row.updated_at) > Date.parse(row.first_seen_at) ? row.updated_at : null,
    };
    const list = byStory.get(row.story_id);
    if (list) list.push(article);
    else byStory.set(row.story_id, [article]);
  }
  return byStory;
}

/** Which stories each topic holds, most recently added first. */
export async function topicStoryLinks(store: Store): Promise<TopicStoryLink[]> {
  return ((await sqlOf(store).all('SELECT topic_id, story_id, added_at FROM topic_stories ORDER BY added_at DESC, story_id, weight DESC, topic_id')) as { topic_id: number; story_id: string; added_at: string }[])
    .map((row) => ({ topicId: row.topic_id, storyId: row.story_id, addedAt: row.added_at }));
}

/** Related stories of every story, best first. */
export async function relatedStoryIds(store: Store): Promise<Map<string, string[]>> {
  const related = new Map<string, string[]>();
  for (const row of (await sqlOf(store).all('SELECT story_id, related_id FROM related_stories ORDER BY story_id, rank')) as { story_id: string; related_id: string }[]) {
    const list = related.get(row.story_id);
    if (list) list.push(row.related_id);
    else related.set(row.story_id, [row.related_id]);
  }
  return related;
}

/** How many distinct articles each feed has carried (through any of its items), by feed id. */
export async function articleCountsByFeed(store: Store): Promise<Map<number, number>> {
  const rows = (await sqlOf(store).all('SELECT feed_id, count(DISTINCT article_id) AS n FROM article_sources GROUP BY feed_id')) as { feed_id: number; n: number }[];
  return new Map(rows.map((row) => [row.feed_id, row.n]));
}

/** What an outlet is called: its feed's title, or the feed's host name while the feed has none. */
export function outletName(feedTitle: string | null, feedUrl: string): string {
  if (feedTitle) return feedTitle;
  try {
    return new URL(feedUrl).hostname;
  } catch {
    return feedUrl;
  }
}

/** Everything a site is made from, read in one go: SiteData (src/site/data.ts) shapes it, build-inputs.ts digests it. */
export interface SiteReads {
  feeds: Feed[];
  articleCounts: Map<number, number>;
  topics: TopicRecord[];
  topicStoryLinks: TopicStoryLink[];
  liveStories: LiveStoryRow[];
  mergedStories: MergedStoryRow[];
  relatedStoryIds: Map<string, string[]>;
  articlesByStory: Map<string, ArticleSummary[]>;
}

/**
 * Reads every table the site shows (see SiteReads), the eight queries issued together (on PostgreSQL they run on the
 * pool's connections side by side); on bench/build's 5,000 stories about 1.5 s, mostly the articles.
 */
export async function readSite(store: Store): Promise<SiteReads> {
  const [feeds, articleCounts, topics, links, live, merged, related, articles] = await Promise.all([
    listFeeds(store), articleCountsByFeed(store), listTopics(store), topicStoryLinks(store),
    liveStories(store), mergedStories(store), relatedStoryIds(store), articlesByStory(store),
  ]);
  return {
    feeds, articleCounts, topics, topicStoryLinks: links, liveStories: live, mergedStories: merged, relatedStoryIds: related, articlesByStory: articles,
  };
}
