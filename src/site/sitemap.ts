// /sitemap.xml (sitemaps.org 0.9): every page worth finding, with the time its content last changed. Redirect pages
// of merged stories, the 404 page and the search page are left out: they have nothing of their own to index.
import { XMLBuilder } from 'fast-xml-parser';
import type { SiteData } from './data.ts';
import { pageCount, topicIndexPageSize, topicPageSize } from './pagination.ts';
import { aboutPath, absoluteUrl, archivePath, dayPath, homePath, sitemapPartPath, sourcesPath, storyPath, topicIndexPath, topicPath } from './routes.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

/** The sitemaps.org limit for one file; a larger site gets a sitemap index over numbered parts. */
export const maxUrlsPerSitemap = 50_000;

interface SitemapPage {
  path: string;
  lastmod?: string;
}

function sitemapPages(data: SiteData): SitemapPage[] {
  const updated = data.lastUpdated();
  return [
    { path: homePath(), lastmod: updated },
    ...range(pageCount(data.topics.length, topicIndexPageSize)).map((page) => ({ path: topicIndexPath(page), lastmod: updated })),
    ...data.topics.flatMap((topic) => range(pageCount(topic.stories.length, topicPageSize))
      .map((page) => ({ path: topicPath(topic.slug, page), lastmod: topic.stories[0]!.lastPublishedAt }))),
    ...data.stories.map((story) => ({ path: storyPath(story.id), lastmod: story.lastPublishedAt })),
    { path: archivePath(), lastmod: updated },
    ...data.days.map((day) => ({ path: dayPath(day.day), lastmod: latest(day.stories.map((story) => story.lastPublishedAt)) })),
    { path: sourcesPath() },
    { path: aboutPath() },
  ];
}

/** How many part files the sitemap needs: 0 when one /sitemap.xml holds every URL. */
export function sitemapPartCount(data: SiteData): number {
  const urls = sitemapPages(data).length;
  return urls > maxUrlsPerSitemap ? Math.ceil(urls / maxUrlsPerSitemap) : 0;
}

/** /sitemap.xml: the URL set itself, or an index of the parts when there are too many URLs for one file. */
export function sitemapXml(data: SiteData, site: URL | undefined): string {
  const parts = sitemapPartCount(data);
  if (parts === 0) return urlSet(sitemapPages(data), site);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    sitemapindex: {
      '@_xmlns': 'http://www.sitemaps.org/schemas/sitemap/0.9',
      sitemap: range(parts).map((part) => ({ loc: absoluteUrl(sitemapPartPath(part), site), lastmod: new Date(data.lastUpdated()).toISOString() })),
    },
  }) as string;
}

/** One part (1-based) of a sitemap too large for one file. */
export function sitemapPartXml(data: SiteData, part: number, site: URL | undefined): string {
  return urlSet(sitemapPages(data).slice((part - 1) * maxUrlsPerSitemap, part * maxUrlsPerSitemap), site);
}

function urlSet(pages: readonly SitemapPage[], site: URL | undefined): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    urlset: {
      '@_xmlns': 'http://www.sitemaps.org/schemas/sitemap/0.9',
      url: pages.map((page) => ({
        loc: absoluteUrl(page.path, site),
        ...(page.lastmod ? { lastmod: new Date(page.lastmod).toISOString() } : {}),
      })),
    },
  }) as string;
}

function latest(dates: readonly string[]): string {
  return dates.reduce((a, b) => (b > a ? b : a), '');
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}
