// The front page as an RSS feed: the top stories.
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { siteData } from '../site/data.ts';
import { storyFeedItem } from '../site/feed-items.ts';

export function GET(context: APIContext) {
  return rss({
    title: 'Wirefold: top stories',
    description: 'Tech and science news, clustered into stories from many outlets.',
    site: new URL(import.meta.env.BASE_URL, context.site!).href,
    items: siteData().topStories(50).map((story) => storyFeedItem(story, context.site!)),
  });
}
