// What every feed format says, decided once: a channel (front page or one topic) and its entries, which are stories.
// The RSS, Atom and JSON Feed writers only spell this out in their own syntax.
import { escapeAttribute, escapeText } from 'entities';
import { renderOnly } from '../data.ts';
import type { SiteData, StoryView, TopicChip, TopicView } from '../data.ts';
import { pageFiles } from '../page-plan.ts';
import { absoluteUrl, feedPaths, homePath, storyPath, topicPath } from '../routes.ts';
import { webUrl } from '../safe-url.ts';

export interface FeedEntry {
  /** Never changes for a story: RSS guid and JSON Feed id. */
  guid: string;
  /** The same identity as an Atom id (a tag: URI, RFC 4151). */
  atomId: string;
  title: string;
  /** The story page. */
  url: string;
  /** The lead article at its source. */
  externalUrl: string | null;
  /** Plain text. */
  summary: string;
  contentHtml: string;
  /** RFC 3339 (ISO 8601 in UTC). */
  published: string;
  updated: string;
  topics: TopicChip[];
}

export interface FeedChannel {
  title: string;
  description: string;
  /** The page the feed mirrors. */
  homeUrl: string;
  urls: { rss: string; atom: string; json: string };
  atomId: string;
  updated: string;
  entries: FeedEntry[];
}

/** How many stories a feed carries: enough for a reader who checks daily, small enough to fetch often. */
export const feedLength = 50;

/**
 * The date in Wirefold's tag: URIs. RFC 4151 wants a date on which the tagging authority held its name; it must never
 * change, or every reader would see every story again as new.
 */
const tagDate = '2026';

export function frontPageChannel(data: SiteData, site: URL | undefined): FeedChannel {
  return channel(site, {
    title: 'Wirefold: top stories',
    description: 'Tech and science news, clustered into stories from many outlets.',
    home: homePath(),
    key: 'front-page',
    stories: data.topStories(feedLength),
  });
}

export function topicChannel(topic: TopicView, site: URL | undefined): FeedChannel {
  return channel(site, {
    title: `Wirefold: ${topic.label}`,
    description: topic.description || `Stories about ${topic.label}, clustered from many outlets.`,
    home: topicPath(topic.slug),
    key: `topic-${topic.slug}`,
    slug: topic.slug,
    stories: topic.stories.slice(0, feedLength),
  });
}

function channel(site: URL | undefined, options: { title: string; description: string; home: string; key: string; slug?: string; stories: StoryView[] }): FeedChannel {
  const paths = feedPaths(options.slug);
  const entries = options.stories.map((story) => storyEntry(story, site));
  return {
    title: options.title,
    description: options.description,
    homeUrl: absoluteUrl(options.home, site),
    urls: { rss: absoluteUrl(paths.rss, site), atom: absoluteUrl(paths.atom, site), json: absoluteUrl(paths.json, site) },
    atomId: tagUri(site, `wirefold-feed-${options.key}`),
    updated: entries.reduce((latest, entry) => (entry.updated > latest ? entry.updated : latest), new Date(0).toISOString()),
    entries,
  };
}

export function storyEntry(story: StoryView, site: URL | undefined): FeedEntry {
  const url = absoluteUrl(storyPath(story.id), site);
  const guid = `wirefold-story-${story.id}`;
  return {
    guid,
    atomId: tagUri(site, guid),
    title: story.title,
    url,
    externalUrl: webUrl(story.lead.url),
    summary: story.lead.summary,
    contentHtml: coverageHtml(story, url),
    published: new Date(story.firstPublishedAt).toISOString(),
    updated: entryUpdated(story),
    topics: story.topics,
  };
}

/**
 * When a story's entry last changed, ISO 8601: its newest article's date, or a later revision of one of its articles (a
 * corrected headline changes the entry's title or coverage list, and feed readers show an entry again by its updated,
 * Atom's <updated> and JSON Feed's date_modified).
 */
function entryUpdated(story: StoryView): string {
  const revisions = story.articles.map((article) => article.revisedAt).filter((at) => at !== null);
  return new Date([story.lastPublishedAt, ...revisions].reduce((latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest))).toISOString();
}

/** The lead's summary, then every article of the story (the lead first) and a link to the story page. */
function coverageHtml(story: StoryView, storyUrl: string): string {
  const articles = [story.lead, ...story.articles.filter((article) => article !== story.lead)];
  const items = articles.map((article) => {
    const link = webUrl(article.url);
    const headline = link ? `<a href="${escapeAttribute(link)}">${escapeText(article.title)}</a>` : escapeText(article.title);
    return `<li>${escapeText(article.source)}: ${headline}</li>`;
  });
  const sources = `${story.sourceCount} ${story.sourceCount === 1 ? 'source' : 'sources'}`;
  return `${story.lead.summary ? `<p>${escapeText(story.lead.summary)}</p>` : ''}<ul>${items.join('')}</ul>` +
    `<p><a href="${escapeAttribute(storyUrl)}">Full coverage on Wirefold</a> (${sources})</p>`;
}

function tagUri(site: URL | undefined, specific: string): string {
  return `tag:${site?.hostname ?? 'localhost'},${tagDate}:${specific}`;
}

/** Static paths of one of the per-topic feed endpoints (file): one per topic holding stories, those this build renders. */
export function topicFeedStaticPaths(data: SiteData, file: 'rss.xml' | 'atom.xml' | 'feed.json'): { params: { slug: string }; props: { topic: TopicView } }[] {
  return renderOnly(data.topics.map((topic) => ({ params: { slug: topic.slug }, props: { topic } })), (path) => pageFiles.topicFeed(path.params.slug, file));
}
