// The front page's top stories as JSON Feed 1.1.
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { frontPageChannel } from '../site/feeds/channel.ts';
import { jsonFeedResponse } from '../site/feeds/json-feed.ts';

export const GET = async (context: APIContext) => jsonFeedResponse(frontPageChannel((await (await siteData())), context.site));
