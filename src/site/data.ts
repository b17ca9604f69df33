// The site's one window on the store: loads everything once per build and shapes it for pages, which only pick.
import { defaultStorePath, readStore } from '../store/store.ts';
import type { Feed } from '../store/feeds.ts';
import type { TopicRecord } from '../store/topics.ts';
import { readSite } from '../store/site-reads.ts';
import type { ArticleSummary, SiteReads } from '../store/site-reads.ts';
import { feedHealth } from './feed-health.ts';
import type { FeedView } from './feed-health.ts';
import { outletDisplayNames, outletOf } from './outlets.ts';
import type { Outlet } from './outlets.ts';
import { stripDateline } from './dateline.ts';
import { newestArticleTime, rankStories, rankingClock } from './ranking.ts';
import { storyScore } from '../cluster/stories/lead.ts';
import { storyTimeline } from './timeline.ts';
import type { TimelineEntry } from './timeline.ts';
import { sharedTerms } from './shared-terms.ts';
import type { SharedTerm } from './shared-terms.ts';
import { whatHappened } from './what-happened.ts';
import type { SummarySentence } from './what-happened.ts';
import { readFileSync } from 'node:fs';
import { storyPicture } from './story-image.ts';
import type { StoryPicture } from './story-image.ts';
import type { ImageManifest } from './image-cache.ts';
import type { PictureSettings } from './site-pictures.ts';

export type { ArticleSummary } from '../store/site-reads.ts';

/** An article as pages show it: `source` is the outlet's clean name, and the summary has no wire dateline. */
export interface StoryArticle extends ArticleSummary {
  /** The outlet's identity (its registrable domain): one outlet's several feeds share it. */
  outletKey: string;
}

/** One outlet and its feeds, for the sources page. */
export interface OutletFeeds {
  key: string;
  name: string;
  feeds: FeedView[];
}

export interface TopicChip {
  slug: string;
  label: string;
}

export interface OutletCoverage {
  source: string;
  /** This outlet's articles in the story, oldest first. */
  articles: StoryArticle[];
}

export interface StoryView {
  id: string;
  title: string;
  /** Front-page score, worked out when the site is read (see ranking.ts). */
  score: number;
  firstPublishedAt: string;
  lastPublishedAt: string;
  /** Distinct outlets (not feeds) that covered the story. */
  sourceCount: number;
  lead: StoryArticle;
  /** Every article, oldest first. */
  articles: StoryArticle[];
  /** The rest of the coverage: one article per other outlet, earliest first. */
  coverage: StoryArticle[];
  /** Every article grouped by outlet: the lead's outlet first, then by who reported first. */
  outlets: OutletCoverage[];
  topics: TopicChip[];
  /** The UTC day the story was first reported, YYYY-MM-DD: its archive page. */
  day: string;
  /** The story's picture (story-image.ts), or null when none of its articles has one the site can show. */
  picture: StoryPicture | null;
}

export interface TopicView extends TopicRecord {
  /** Live stories of the topic, newest first. */
  stories: StoryView[];
}

/** An old story URL that now leads to the story it was merged into. */
export interface StoryRedirect {
  id: string;
  title: string;
  target: StoryView;
}

export interface ArchiveDay {
  day: string;
  /** The day's stories, most covered first. */
  stories: StoryView[];
}

let cached: SiteData | null = null;

/** The store to render, written into the bundle by the build (build-site.ts); absent outside a build. */
declare const __WIREFOLD_STORE__: string | undefined;

/**
 * Where build-site.ts leaves the SiteData it has already read to plan the build, for the pages to use. Astro renders
 * the pages in the build's own process but from a bundle of its own, whose copy of this module cannot be handed an
 * object any other way (Vite's define takes only values it can write into source); reading the store again would cost
 * a second SiteData (2.3 s on bench/build's 5,000 stories).
 */
const handoffKey = Symbol.for('wirefold.siteData');
interface Handoff {
  storePath: string;
  data: SiteData;
  /**
   * The only pages of the dynamic routes to render (output files, page-plan.ts), in an incremental build; null: all.
   * Handed over here rather than written into the bundle (Vite's define), so that the bundle does not depend on what
   * changed in the store, only on the code.
   */
  renderOnly: readonly string[] | null;
  /** The version of the search index this build writes (build-inputs.ts searchIndexVersion), for the search page. */
  searchVersion: string;
}

/** Leaves data for the pages of a build of storePath (build-site.ts); null takes it back. */
export function handOverSiteData(handoff: Handoff | null): void {
  (globalThis as Record<symbol, unknown>)[handoffKey] = handoff ?? undefined;
}

/**
 * The whole store once per build: a static site reads all of it anyway. Now is read once, for ranking only; nothing
 * on a page depends on it, so an unchanged store gives an unchanged site.
 */
/** The picture settings as JSON (site-pictures.ts), written into the bundle by the build; absent outside a build. */
declare const __WIREFOLD_IMAGES__: string | undefined;

/** Which pictures the site shows: none outside a build, else as the build's picture step prepared them. */
function pictureManifest(): ImageManifest {
  if (typeof __WIREFOLD_IMAGES__ !== 'string') return { mode: 'off', local: {} };
  const settings = JSON.parse(__WIREFOLD_IMAGES__) as PictureSettings;
  if (!settings.manifestPath) return { mode: settings.mode, local: {} };
  return JSON.parse(readFileSync(settings.manifestPath, 'utf8')) as ImageManifest;
}

const bundleStorePath = () => (typeof __WIREFOLD_STORE__ === 'string' ? __WIREFOLD_STORE__ : defaultStorePath);

/** What the build of this bundle's store handed over, if a build of that store did (not another's). */
function handedOver(): Handoff | null {
  const handoff = (globalThis as Record<symbol, Handoff | undefined>)[handoffKey];
  return handoff?.storePath === bundleStorePath() ? handoff : null;
}

export async function siteData(): Promise<SiteData> {
  if (!cached) {
    const storePath = bundleStorePath();
    const handoff = handedOver();
    if (handoff) return (cached = handoff.data);
    cached = new SiteData(await readStore(storePath, readSite), Date.now(), pictureManifest());
  }
  return cached;
}

/** The version of the search index the build writes (searchIndexVersion), or null outside a build (Astro's dev server). */
export function searchVersion(): string | null {
  return handedOver()?.searchVersion ?? null;
}

/**
 * The static paths of a dynamic route that this build renders: all of them in a full build, in an incremental one only
 * those whose output file (fileOf, from page-plan.ts's pageFiles) the plan lists. The others are kept from the live site.
 */
export function renderOnly<T>(paths: readonly T[], fileOf: (path: T) => string): T[] {
  const only = handedOver()?.renderOnly ?? null;
  if (!only) return [...paths];
  const wanted = new Set(only);
  return paths.filter((path) => wanted.has(fileOf(path)));
}

export class SiteData {
  /** Newest first (by latest coverage). */
  readonly stories: StoryView[];
  readonly storiesById: Map<string, StoryView>;
  readonly redirects: StoryRedirect[];
  /** Topics holding at least one live story, by label. */
  readonly topics: TopicView[];
  readonly topicsBySlug: Map<string, TopicView>;
  /** Archive days, newest first. */
  readonly days: ArchiveDay[];
  readonly feeds: FeedView[];
  /** Feeds grouped by outlet, by outlet name. */
  readonly outlets: OutletFeeds[];
  readonly #related: Map<string, string[]>;
  readonly #relatedTopics = new Map<string, TopicView[]>();

  /** From the store's tables as readSite returns them; now (ms) sets the ranking clock only; pictures: see images/. */
  constructor(reads: SiteReads, now = Date.now(), pictures: ImageManifest = { mode: 'off', local: {} }) {
    const feeds = reads.feeds;
    const outletOfFeed = outletsOfFeeds(feeds);
    const articles = reads.articlesByStory;
    const topics = reads.topics;
    const topicById = new Map(topics.map((topic) => [topic.id, topic]));
    const links = reads.topicStoryLinks;
    const topicsOfStory = new Map<string, TopicChip[]>();
    for (const link of links) {
      const topic = topicById.get(link.topicId);
      if (!topic) continue;
      const chips = topicsOfStory.get(link.storyId) ?? [];
      chips.push({ slug: topic.slug, label: topic.label });
      topicsOfStory.set(link.storyId, chips);
    }

    const membersOf = new Map([...articles].map(([storyId, summaries]) => [storyId, summaries.map((article): StoryArticle => {
      const outlet = outletOfFeed.get(article.feedId);
      return { ...article, source: outlet?.name ?? article.source, outletKey: outlet?.key ?? article.source, summary: stripDateline(article.summary) };
    })]));
    const clock = rankingClock(newestArticleTime([...membersOf.values()].flat()), now);
    this.stories = reads.liveStories.flatMap((row) => {
      const members = membersOf.get(row.id);
      if (!members?.length) return [];
      const lead = members.find((article) => article.id === row.leadArticleId) ?? members[0]!;
      return [{
        id: row.id, title: row.title || lead.title, firstPublishedAt: row.firstPublishedAt, lastPublishedAt: row.lastPublishedAt,
        score: storyScore(members.map((article) => ({ source: article.outletKey, publishedAt: article.publishedAt })), clock),
        sourceCount: new Set(members.map((article) => article.outletKey)).size, lead, articles: members,
        coverage: otherOutlets(members, lead), outlets: byOutlet(members, lead),
        topics: topicsOfStory.get(row.id) ?? [], day: row.firstPublishedAt.slice(0, 10),
        picture: storyPicture(row.leadArticleId, members, pictures.mode, pictures.local),
      }];
    });
    this.storiesById = new Map(this.stories.map((story) => [story.id, story]));
    this.redirects = resolveRedirects(reads.mergedStories, this.storiesById);

    const storiesOfTopic = new Map<number, StoryView[]>();
    for (const link of links) {
      const story = this.storiesById.get(link.storyId);
      if (!story) continue;
      const list = storiesOfTopic.get(link.topicId) ?? [];
      list.push(story);
      storiesOfTopic.set(link.topicId, list);
    }
    this.topics = topics.flatMap((topic) => {
      const stories = storiesOfTopic.get(topic.id);
      return stories?.length ? [{ ...topic, stories: stories.sort(newestFirst) }] : [];
    });
    this.topicsBySlug = new Map(this.topics.map((topic) => [topic.slug, topic]));

    const byDay = new Map<string, StoryView[]>();
    for (const story of this.stories) {
      const list = byDay.get(story.day);
      if (list) list.push(story);
      else byDay.set(story.day, [story]);
    }
    this.days = [...byDay].sort(([a], [b]) => b.localeCompare(a))
      .map(([day, stories]) => ({ day, stories: rankStories(stories) }));

    this.#related = reads.relatedStoryIds;
    this.feeds = feeds.map((feed) => feedHealth(feed, reads.articleCounts.get(feed.id) ?? 0));
    this.outlets = groupByOutlet(this.feeds, outletOfFeed);
  }

  /** Stories covered by more than one outlet, best first: the top of the front page. */
  topStories(limit = 20): StoryView[] {
    return rankStories(this.stories.filter((story) => story.sourceCount > 1)).slice(0, limit);
  }

  latestStories(limit = 50, exclude: ReadonlySet<string> = new Set()): StoryView[] {
    const latest: StoryView[] = [];
    for (const story of this.stories) {
      if (latest.length >= limit) break;
      if (!exclude.has(story.id)) latest.push(story);
    }
    return latest;
  }

  relatedTo(storyId: string): StoryView[] {
    return (this.#related.get(storyId) ?? []).flatMap((id) => this.storiesById.get(id) ?? []);
  }

  /**
   * The sidebar's fallback when a story has no related stories (they are kept strict): the latest other stories of
   * its first topic.
   */
  moreInTopic(story: StoryView, limit = 5): { topic: TopicView; stories: StoryView[] } | null {
    const topic = story.topics.map((chip) => this.topicsBySlug.get(chip.slug)).find((found) => found !== undefined);
    const stories = topic?.stories.filter((other) => other.id !== story.id).slice(0, limit) ?? [];
    return topic && stories.length ? { topic, stories } : null;
  }

  /**
   * Topics that share the most stories with this one (ties: the smaller topic, whose overlap means more, then by
   * label). Shared stories are what a reader of one topic would also have met in the other.
   */
  relatedTopics(topic: TopicView, limit = 8): TopicView[] {
    const known = this.#relatedTopics.get(topic.slug);
    if (known) return known.slice(0, limit);
    const shared = new Map<string, number>();
    for (const story of topic.stories) {
      for (const chip of story.topics) if (chip.slug !== topic.slug) shared.set(chip.slug, (shared.get(chip.slug) ?? 0) + 1);
    }
    const related = [...shared]
      .map(([slug, count]) => ({ topic: this.topicsBySlug.get(slug)!, count }))
      .filter((entry) => entry.topic)
      .sort((a, b) => b.count - a.count || a.topic.stories.length - b.topic.stories.length || a.topic.label.localeCompare(b.topic.label))
      .map((entry) => entry.topic);
    this.#relatedTopics.set(topic.slug, related);
    return related.slice(0, limit);
  }

  /** The story's articles in time order, the first report and later updates marked. */
  timelineOf(story: StoryView): TimelineEntry<StoryArticle>[] {
    return storyTimeline(story.articles);
  }

  /** What the story's articles have in common (names, places, numbers), most shared first: why they are one story. */
  sharedTermsOf(story: StoryView, limit = 8): SharedTerm[] {
    return sharedTerms(story.articles.map((article) => `${article.title}. ${article.summary}`), limit, story.outlets.map((outlet) => outlet.source));
  }

  /**
   * Two or three attributed sentences from different outlets' summaries; empty for a one-outlet story. The lead's own
   * summary is left out: the page shows it just above.
   */
  summaryOf(story: StoryView): SummarySentence[] {
    return whatHappened(story.articles.filter((article) => article.id !== story.lead.id));
  }

  /** Topics with the most stories first: the front page's topic list. */
  busiestTopics(limit: number): TopicView[] {
    return [...this.topics].sort((a, b) => b.stories.length - a.stories.length || a.label.localeCompare(b.label)).slice(0, limit);
  }

  /** When the newest story was last updated: the site's "updated" time for feeds and the sitemap. */
  lastUpdated(): string {
    return this.stories[0]?.lastPublishedAt ?? new Date(0).toISOString();
  }
}

const newestFirst = (a: StoryView, b: StoryView) => b.lastPublishedAt.localeCompare(a.lastPublishedAt) || a.id.localeCompare(b.id);

/** Each feed's outlet, with one name per outlet however its feeds' titles differ. */
function outletsOfFeeds(feeds: readonly Feed[]): Map<number, Outlet> {
  const outlets = new Map(feeds.map((feed) => [feed.id, outletOf(feed.title, feed.siteUrl, feed.url)]));
  const names = outletDisplayNames([...outlets.values()]);
  return new Map([...outlets].map(([id, outlet]) => [id, { key: outlet.key, name: names.get(outlet.key) ?? outlet.name }]));
}

function groupByOutlet(feeds: readonly FeedView[], outletOfFeed: ReadonlyMap<number, Outlet>): OutletFeeds[] {
  const groups = new Map<string, OutletFeeds>();
  for (const feed of feeds) {
    const outlet = outletOfFeed.get(feed.id) ?? { key: `feed:${feed.id}`, name: feed.title };
    const group = groups.get(outlet.key);
    if (group) group.feeds.push(feed);
    else groups.set(outlet.key, { key: outlet.key, name: outlet.name, feeds: [feed] });
  }
  return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function otherOutlets(members: readonly StoryArticle[], lead: StoryArticle): StoryArticle[] {
  const seen = new Set([lead.outletKey]);
  return members.filter((article) => !seen.has(article.outletKey) && seen.add(article.outletKey));
}

function byOutlet(members: readonly StoryArticle[], lead: StoryArticle): OutletCoverage[] {
  const groups = new Map<string, OutletCoverage>([[lead.outletKey, { source: lead.source, articles: [] }]]);
  for (const article of members) {
    const group = groups.get(article.outletKey);
    if (group) group.articles.push(article);
    else groups.set(article.outletKey, { source: article.source, articles: [article] });
  }
  return [...groups.values()];
}

/** Follows merge chains (a → b → c) to the live story at the end; chains that end nowhere get no page. */
function resolveRedirects(merged: readonly { id: string; mergedInto: string; title: string }[],
  live: ReadonlyMap<string, StoryView>): StoryRedirect[] {
  const next = new Map(merged.map((row) => [row.id, row.mergedInto]));
  return merged.flatMap((row) => {
    let target = row.mergedInto;
    for (let hops = 0; !live.has(target) && next.has(target) && hops < merged.length; hops++) target = next.get(target)!;
    const story = live.get(target);
    return story && !live.has(row.id) ? [{ id: row.id, title: row.title || story.title, target: story }] : [];
  });
}
