// One RSS feed per topic: items are stories, linked to their story pages, with GUIDs that never change.
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { siteData } from '../../../site/data.ts';
import { storyFeedItem } from '../../../site/feed-items.ts';

export function getStaticPaths() {
  return siteData().liveTopics().map((topic) => ({ params: { slug: topic.slug } }));
}

export function GET(context: APIContext) {
  const data = siteData();
  const topic = data.liveTopics().find((candidate) => candidate.slug === context.params.slug)!;
  return rss({
    title: `Wirefold: ${topic.label}`,
    description: topic.description || `Stories about ${topic.label}, clustered from many outlets.`,
    site: new URL(import.meta.env.BASE_URL, context.site!).href,
    items: data.topicStories(topic).slice(0, 50).map((story) => storyFeedItem(story, context.site!)),
  });
}
