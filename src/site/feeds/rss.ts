// RSS 2.0 through @astrojs/rss: RFC 822 dates, a permanent guid per story, content:encoded with the coverage list.
import rss from '@astrojs/rss';
import { escapeAttribute, escapeText } from 'entities';
import type { FeedChannel } from './channel.ts';

export function rssResponse(channel: FeedChannel): Promise<Response> {
  return rss({
    title: channel.title,
    description: channel.description,
    site: channel.homeUrl,
    xmlns: { atom: 'http://www.w3.org/2005/Atom' },
    // The self link is what validators and readers use to know the feed's own address.
    customData: `<language>en</language><lastBuildDate>${new Date(channel.updated).toUTCString()}</lastBuildDate>` +
      `<atom:link href="${escapeAttribute(channel.urls.rss)}" rel="self" type="application/rss+xml"/>`,
    items: channel.entries.map((entry) => ({
      title: entry.title,
      link: entry.url,
      pubDate: new Date(entry.published),
      // RSS readers take a description for HTML (RSS 2.0 has no type for it): the plain-text summary is escaped as
      // HTML, so that "<img onerror=…>" in an outlet's text is shown as text, not run. Titles are plain text by the spec.
      ...(entry.summary ? { description: escapeText(entry.summary) } : {}),
      content: entry.contentHtml,
      categories: entry.topics.map((topic) => topic.label),
      customData: `<guid isPermaLink="false">${entry.guid}</guid>`,
    })),
  });
}
