// /robots.txt: everything may be crawled; the sitemap says where the pages are. (Crawlers only read it at a host's
// root, so under a base path it is a hint for whoever serves the root.)
import type { APIContext } from 'astro';
import { absoluteUrl, sitemapPath } from '../site/routes.ts';

export const GET = (context: APIContext) =>
  new Response(`User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(sitemapPath(), context.site)}\n`, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
