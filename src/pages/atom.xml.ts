// The front page's top stories as Atom 1.0.
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { frontPageChannel } from '../site/feeds/channel.ts';
import { atomResponse } from '../site/feeds/atom.ts';

export const GET = async (context: APIContext) => atomResponse(frontPageChannel((await (await siteData())), context.site));
