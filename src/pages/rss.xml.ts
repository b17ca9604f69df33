// The front page's top stories as RSS 2.0.
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { frontPageChannel } from '../site/feeds/channel.ts';
import { rssResponse } from '../site/feeds/rss.ts';

export const GET = async (context: APIContext) => rssResponse(frontPageChannel((await (await siteData())), context.site));
