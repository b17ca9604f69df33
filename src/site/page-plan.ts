// Which pages of the site a build must render: every page of a dynamic route gets a content hash computed from the data
// it shows, and a page whose hash the previous build already rendered is kept from the live site instead of rendered.
// Routes without parameters (home, sources, the front page's feeds, the sitemap…) are a handful of files; they are
// always rendered, and an unchanged one is still kept from the live site (reuse-files.ts), so its file is not rewritten.
//
// A page's hash covers everything the page can show: whole StoryViews (never a chosen few fields), so a template that
// starts showing another field of a story cannot be served stale. A template change itself is covered by the code
// digest (build-inputs.ts), which makes the next build a full one.
import { createHash } from 'node:crypto';
import type { SiteData, StoryView, TopicView } from './data.ts';
import { pageCount, topicIndexPageSize, topicPageSize } from './pagination.ts';

/**
 * Output files of the dynamic routes, relative to the site's root (format 'directory', so a page is <path>/index.html).
 * The pages' getStaticPaths name their pages by these same functions (renderOnly in data.ts).
 */
export const pageFiles = {
  story: (id: string) => `stories/${id}/index.html`,
  day: (day: string) => `archive/${day}/index.html`,
  topic: (slug: string, page = 1) => (page > 1 ? `topics/${slug}/${page}/index.html` : `topics/${slug}/index.html`),
  topicFeed: (slug: string, file: 'rss.xml' | 'atom.xml' | 'feed.json') => `topics/${slug}/${file}`,
  topicIndex: (page: number) => `topic-index/${page}/index.html`,
};

const digest = (value: unknown) => createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('base64url');

/**
 * The content hash (base64url SHA-256) of every page of every dynamic route, by output file. The sitemap's numbered
 * parts (only on a site of over 50,000 pages) are left out: they list every page, so they render like the routes
 * without parameters. (This module must not load routes.ts or sitemap.ts: they read Vite's import.meta.env.)
 * The front-page score is left out of a story's hash: it changes with the clock and no page prints it; the orders it
 * decides (archive days) are in the hashes of the lists.
 *
 * searched: the same for the part of each searched page that Pagefind indexes (its data-pagefind-body), by output file:
 * a live story's page and a topic's first page. A story page's indexed part shows the story alone (its related stories
 * and "more in topic" list sit outside it), so its hash is the story's: a page rendered again only for a new "more in
 * topic" list leaves its search shard as it was (search-shards.ts). A topic's indexed part is its heading, description
 * and story count, so its hash is the topic's record.
 */
export function pageHashes(data: SiteData): { pages: Map<string, string>; searched: Map<string, string> } {
  const storyDigests = new Map(data.stories.map((story) => [story.id, digest({ ...story, score: undefined })]));
  const ofStories = (stories: readonly StoryView[]) => stories.map((story) => storyDigests.get(story.id)!);
  const topicRecord = (topic: TopicView) => ({ ...topic, stories: topic.stories.length });
  // Where a page names another topic only by a link (a topic's related topics, a story's "More in <topic>"), it shows
  // the topic's label under its slug and nothing else: hashing the whole record (its story count) re-rendered every
  // topic related to one that gained a story, 184 of 200 topics (4 files each, 899 files in all) after bench/build's
  // 50 new stories, for no change on the page. A template that starts showing more changes the code digest, which
  // makes the next build a full one (build-inputs.ts).
  const topicLink = (topic: TopicView) => ({ slug: topic.slug, label: topic.label });
  const hashes = new Map<string, string>();
  const searched = new Map<string, string>();

  for (const story of data.stories) {
    const related = data.relatedTo(story.id);
    const more = related.length === 0 ? data.moreInTopic(story) : null;
    hashes.set(pageFiles.story(story.id), digest([storyDigests.get(story.id), ofStories(related),
      more ? [topicLink(more.topic), ofStories(more.stories)] : null]));
    searched.set(pageFiles.story(story.id), storyDigests.get(story.id)!);
  }
  for (const redirect of data.redirects) {
    hashes.set(pageFiles.story(redirect.id), digest(['redirect', redirect.id, redirect.title, storyDigests.get(redirect.target.id)]));
  }
  data.days.forEach((day, index) => {
    hashes.set(pageFiles.day(day.day), digest([day.day, ofStories(day.stories), data.days[index - 1]?.day, data.days[index + 1]?.day]));
  });
  for (const topic of data.topics) {
    // One hash for all of a topic's pages and feeds: a new story moves every page of the list by one.
    const hash = digest([topicRecord(topic), ofStories(topic.stories), data.relatedTopics(topic).map(topicLink)]);
    for (let page = 1; page <= pageCount(topic.stories.length, topicPageSize); page++) hashes.set(pageFiles.topic(topic.slug, page), hash);
    for (const file of ['rss.xml', 'atom.xml', 'feed.json'] as const) hashes.set(pageFiles.topicFeed(topic.slug, file), hash);
    searched.set(pageFiles.topic(topic.slug), digest(topicRecord(topic)));
  }
  const topicIndexHash = digest(data.topics.map((topic) => [topicRecord(topic), storyDigests.get(topic.stories[0]!.id)]));
  for (let page = 2; page <= pageCount(data.topics.length, topicIndexPageSize); page++) hashes.set(pageFiles.topicIndex(page), topicIndexHash);
  return { pages: hashes, searched };
}

/** The pages to render: those whose hash is new or differs from what the previous build recorded for that file. */
export function changedPages(hashes: ReadonlyMap<string, string>, previous: Readonly<Record<string, string>>): Set<string> {
  const changed = new Set<string>();
  for (const [file, hash] of hashes) if (previous[file] !== hash) changed.add(file);
  return changed;
}
