// JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same channel as plain JSON.
import type { FeedChannel } from './channel.ts';

export function jsonFeed(channel: FeedChannel): object {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    home_page_url: channel.homeUrl,
    feed_url: channel.urls.json,
    description: channel.description,
    language: 'en',
    authors: [{ name: 'Wirefold', url: channel.homeUrl }],
    items: channel.entries.map((entry) => ({
      id: entry.guid,
      url: entry.url,
      ...(entry.externalUrl ? { external_url: entry.externalUrl } : {}),
      title: entry.title,
      ...(entry.summary ? { summary: entry.summary } : {}),
      content_html: entry.contentHtml,
      date_published: entry.published,
      date_modified: entry.updated,
      tags: entry.topics.map((topic) => topic.label),
    })),
  };
}

export function jsonFeedResponse(channel: FeedChannel): Response {
  return new Response(JSON.stringify(jsonFeed(channel), null, 2), { headers: { 'Content-Type': 'application/feed+json; charset=utf-8' } });
}
