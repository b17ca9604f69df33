// The site's one window on the store: loads everything once per build and shapes it for pages, which only pick.
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { listFeeds } from '../store/feeds.ts';
import { listTopics } from '../store/topics.ts';
import type { TopicRecord } from '../store/topics.ts';
import { articleCountsByFeed, articlesByStory, liveStories, mergedStories, relatedStoryIds, topicStoryLinks } from '../store/site-reads.ts';
import type { ArticleSummary } from '../store/site-reads.ts';
import { feedHealth } from './feed-health.ts';
import type { FeedView } from './feed-health.ts';

export type { ArticleSummary } from '../store/site-reads.ts';

export interface TopicChip {
  slug: string;
  label: string;
}

export interface OutletCoverage {
  source: string;
  /** This outlet's articles in the story, oldest first. */
  articles: ArticleSummary[];
}

export interface StoryView {
  id: string;
  title: string;
  score: number;
  firstPublishedAt: string;
  lastPublishedAt: string;
  sourceCount: number;
  lead: ArticleSummary;
  /** Every article, oldest first. */
  articles: ArticleSummary[];
  /** The rest of the coverage: one article per other outlet, earliest first. */
  coverage: ArticleSummary[];
  /** Every article grouped by outlet: the lead's outlet first, then by who reported first. */
  outlets: OutletCoverage[];
  topics: TopicChip[];
  /** The UTC day the story was first reported, YYYY-MM-DD: its archive page. */
  day: string;
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

/** The whole store once per build: a static site reads all of it anyway. */
export function siteData(): SiteData {
  if (!cached) {
    const store = openStore(process.env.WIREFOLD_DB ?? 'data/wirefold.db', { readOnly: true });
    try {
      cached = new SiteData(store);
    } finally {
      store.close();
    }
  }
  return cached;
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
  readonly #related: Map<string, string[]>;
  readonly #relatedTopics = new Map<string, TopicView[]>();

  constructor(store: Store) {
    const articles = articlesByStory(store);
    const topics = listTopics(store);
    const topicById = new Map(topics.map((topic) => [topic.id, topic]));
    const links = topicStoryLinks(store);
    const topicsOfStory = new Map<string, TopicChip[]>();
    for (const link of links) {
      const topic = topicById.get(link.topicId);
      if (!topic) continue;
      const chips = topicsOfStory.get(link.storyId) ?? [];
      chips.push({ slug: topic.slug, label: topic.label });
      topicsOfStory.set(link.storyId, chips);
    }

    this.stories = liveStories(store).flatMap((row) => {
      const members = articles.get(row.id);
      if (!members?.length) return [];
      const lead = members.find((article) => article.id === row.leadArticleId) ?? members[0]!;
      return [{
        id: row.id, title: row.title || lead.title, score: row.score, firstPublishedAt: row.firstPublishedAt,
        lastPublishedAt: row.lastPublishedAt, sourceCount: row.sourceCount, lead, articles: members,
        coverage: otherOutlets(members, lead), outlets: byOutlet(members, lead),
        topics: topicsOfStory.get(row.id) ?? [], day: row.firstPublishedAt.slice(0, 10),
      }];
    });
    this.storiesById = new Map(this.stories.map((story) => [story.id, story]));
    this.redirects = resolveRedirects(mergedStories(store), this.storiesById);

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
      .map(([day, stories]) => ({ day, stories: stories.sort((a, b) => b.score - a.score || newestFirst(a, b)) }));

    this.#related = relatedStoryIds(store);
    const articleCounts = articleCountsByFeed(store);
    this.feeds = listFeeds(store).map((feed) => feedHealth(feed, articleCounts.get(feed.id) ?? 0));
  }

  /** Stories covered by more than one outlet, best first: the top of the front page. */
  topStories(limit = 20): StoryView[] {
    return this.stories.filter((story) => story.sourceCount > 1).sort((a, b) => b.score - a.score || newestFirst(a, b)).slice(0, limit);
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

function otherOutlets(members: readonly ArticleSummary[], lead: ArticleSummary): ArticleSummary[] {
  const seen = new Set([lead.source]);
  return members.filter((article) => !seen.has(article.source) && seen.add(article.source));
}

function byOutlet(members: readonly ArticleSummary[], lead: ArticleSummary): OutletCoverage[] {
  const groups = new Map<string, ArticleSummary[]>([[lead.source, []]]);
  for (const article of members) {
    const list = groups.get(article.source);
    if (list) list.push(article);
    else groups.set(article.source, [article]);
  }
  return [...groups].map(([source, articles]) => ({ source, articles }));
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
