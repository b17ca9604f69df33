// A story as a feed item: title, story-page link, a GUID that never changes, and the coverage as content.
import type { RSSFeedItem } from '@astrojs/rss';
import type { StoryView } from './data.ts';
import { href } from './format.ts';

export function storyFeedItem(story: StoryView, site: URL): RSSFeedItem {
  const link = new URL(href(`stories/${story.id}/`), site).href;
  const coverage = story.articles.map((article) => `<li>${escapeHtml(article.source)}: <a href="${escapeHtml(article.canonicalUrl ?? link)}">${escapeHtml(article.title)}</a></li>`).join('');
  return {
    title: story.title,
    link,
    pubDate: new Date(story.firstPublishedAt),
    description: story.lead.summary,
    content: `<p>${escapeHtml(story.lead.summary)}</p><ul>${coverage}</ul>`,
    customData: `<guid isPermaLink="false">wirefold-story-${story.id}</guid>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
