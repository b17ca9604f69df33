// Every site path in one place, each under the configured base path, so no page spells a URL by hand.
import { href } from './format.ts';

export const homePath = () => href('/');
export const storyPath = (id: string) => href(`stories/${id}/`);
export const topicPath = (slug: string, page = 1) => href(page > 1 ? `topics/${slug}/${page}/` : `topics/${slug}/`);
/** Later pages of the topic index live outside /topics/ so that no topic slug (say "2") can collide with them. */
export const topicIndexPath = (page = 1) => href(page > 1 ? `topic-index/${page}/` : 'topics/');
export const archivePath = () => href('archive/');
export const dayPath = (day: string) => href(`archive/${day}/`);
export const sourcesPath = () => href('sources/');
export const aboutPath = () => href('about/');
export const searchPath = () => href('search/');
export const opmlPath = () => href('topics.opml');
export const sitemapPath = () => href('sitemap.xml');
export const sitemapPartPath = (part: number) => href(`sitemap-${part}.xml`);

export interface FeedPaths {
  rss: string;
  atom: string;
  json: string;
}

/** The three feeds of the front page (no slug) or of one topic. */
export function feedPaths(topicSlug?: string): FeedPaths {
  const folder = topicSlug ? `topics/${topicSlug}/` : '';
  return { rss: href(`${folder}rss.xml`), atom: href(`${folder}atom.xml`), json: href(`${folder}feed.json`) };
}

/** An absolute URL for a site path (feeds, canonical links, the sitemap): site origin + the base-aware path. */
export function absoluteUrl(path: string, site: URL | undefined): string {
  return new URL(path, site ?? 'http://localhost:4321').href;
}
