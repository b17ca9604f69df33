// The site's one window on the store: read-only queries that return plain data shaped for pages.
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { articleColumns, toArticle } from '../store/articles.ts';
import type { Article } from '../store/articles.ts';
import { listFeeds } from '../store/feeds.ts';
import type { Feed } from '../store/feeds.ts';
import { listTopics } from '../store/topics.ts';
import type { TopicRecord } from '../store/topics.ts';

export interface TopicChip {
  slug: string;
  label: string;
}

export interface StoryView {
  id: string;
  title: string;
  score: number;
  firstPublishedAt: string;
  lastPublishedAt: string;
  sourceCount: number;
  lead: Article;
  /** Every article, oldest first. */
  articles: Article[];
  /** The rest of the coverage: one entry per other outlet, earliest first. */
  coverage: Article[];
  topics: TopicChip[];
}

export interface TopicView extends TopicRecord {
  storyIds: string[];
}

let cached: SiteData | null = null;

/** Loads everything once per build: a static site reads the whole store anyway, and pages then only pick. */
export function siteData(): SiteData {
  cached ??= new SiteData(openStore(process.env.WIREFOLD_DB ?? 'data/wirefold.db', { readOnly: true }));
  return cached;
}

export class SiteData {
  readonly stories: StoryView[];
  readonly storiesById: Map<string, StoryView>;
  readonly topics: TopicView[];
  readonly related: Map<string, string[]>;
  readonly feeds: Feed[];

  constructor(store: Store) {
    const articles = (store.db.prepare(`SELECT ${articleColumns}, sa.story_id FROM articles a JOIN feeds f ON f.id = a.feed_id
        JOIN story_articles sa ON sa.article_id = a.id ORDER BY a.published_at, a.id`).all() as unknown as (Parameters<typeof toArticle>[0] & { story_id: string })[]);
    const byStory = new Map<string, Article[]>();
    for (const row of articles) {
      const list = byStory.get(row.story_id) ?? [];
      list.push(toArticle(row));
      byStory.set(row.story_id, list);
    }

    this.topics = listTopics(store).map((topic) => ({ ...topic, storyIds: [] }));
    const topicById = new Map(this.topics.map((topic) => [topic.id, topic]));
    const topicsOfStory = new Map<string, TopicChip[]>();
    for (const row of store.db.prepare('SELECT topic_id, story_id FROM topic_stories ORDER BY added_at DESC').all() as { topic_id: number; story_id: string }[]) {
      const topic = topicById.get(row.topic_id);
      if (!topic) continue;
      topic.storyIds.push(row.story_id);
      topicsOfStory.set(row.story_id, [...(topicsOfStory.get(row.story_id) ?? []), { slug: topic.slug, label: topic.label }]);
    }

    const rows = store.db.prepare(`SELECT id, title, score, lead_article_id, first_published_at, last_published_at, source_count
        FROM stories WHERE merged_into IS NULL AND article_count > 0 ORDER BY last_published_at DESC`).all() as {
      id: string; title: string; score: number; lead_article_id: number; first_published_at: string; last_published_at: string; source_count: number;
    }[];
    this.stories = rows.map((row) => {
      const members = byStory.get(row.id) ?? [];
      const lead = members.find((article) => article.id === row.lead_article_id) ?? members[0]!;
      const outlets = new Set([lead.source]);
      const coverage = members.filter((article) => article !== lead && !outlets.has(article.source) && outlets.add(article.source));
      return {
        id: row.id, title: row.title, score: row.score, firstPublishedAt: row.first_published_at,
        lastPublishedAt: row.last_published_at, sourceCount: row.source_count, lead, articles: members, coverage,
        topics: topicsOfStory.get(row.id) ?? [],
      };
    });
    this.storiesById = new Map(this.stories.map((story) => [story.id, story]));
    for (const topic of this.topics) topic.storyIds = topic.storyIds.filter((id) => this.storiesById.has(id));

    this.related = new Map();
    for (const row of store.db.prepare('SELECT story_id, related_id FROM related_stories ORDER BY story_id, rank').all() as { story_id: string; related_id: string }[]) {
      this.related.set(row.story_id, [...(this.related.get(row.story_id) ?? []), row.related_id]);
    }
    this.feeds = listFeeds(store);
    store.close();
  }

  /** Stories covered by more than one outlet, best first: the top of the front page. */
  topStories(limit = 20): StoryView[] {
    return this.stories.filter((story) => story.sourceCount > 1).sort((a, b) => b.score - a.score).slice(0, limit);
  }

  latestStories(limit = 50, exclude: ReadonlySet<string> = new Set()): StoryView[] {
    return this.stories.filter((story) => !exclude.has(story.id)).slice(0, limit);
  }

  relatedTo(storyId: string): StoryView[] {
    return (this.related.get(storyId) ?? []).flatMap((id) => this.storiesById.get(id) ?? []);
  }

  topicStories(topic: TopicView): StoryView[] {
    return topic.storyIds.flatMap((id) => this.storiesById.get(id) ?? [])
      .sort((a, b) => b.lastPublishedAt.localeCompare(a.lastPublishedAt));
  }

  /** Topics worth a page: those holding at least one story. */
  liveTopics(): TopicView[] {
    return this.topics.filter((topic) => topic.storyIds.length > 0);
  }
}
