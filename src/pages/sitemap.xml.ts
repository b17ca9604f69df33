// /sitemap.xml: every indexable page (or, on a very large site, the index of the sitemap's parts).
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { sitemapXml } from '../site/sitemap.ts';

export const GET = async (context: APIContext) =>
  new Response(sitemapXml((await (await siteData())), context.site), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
