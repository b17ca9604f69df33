// Every topic's feed in one OPML file, to subscribe to all topics at once.
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { topicsOpml } from '../site/feeds/opml.ts';

export const GET = async (context: APIContext) =>
  new Response(topicsOpml((await (await siteData())), context.site), { headers: { 'Content-Type': 'text/x-opml; charset=utf-8' } });
