// The numbered parts of a sitemap too large for one file (none on most sites).
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { sitemapPartCount, sitemapPartXml } from '../site/sitemap.ts';

export async function getStaticPaths() {
  return Array.from({ length: sitemapPartCount(await (await siteData())) }, (_, index) => ({ params: { part: String(index + 1) } }));
}

export const GET = async (context: APIContext) =>
  new Response(sitemapPartXml((await (await siteData())), Number(context.params.part), context.site), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
