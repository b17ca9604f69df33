// /topics.opml: the front page's RSS feed and every topic's, in one OPML 2.0 file, so a reader can subscribe to all of
// them at once.
import { XMLBuilder } from 'fast-xml-parser';
import type { SiteData } from '../data.ts';
import { absoluteUrl, feedPaths, homePath, topicPath } from '../routes.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

export function topicsOpml(data: SiteData, site: URL | undefined): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    opml: {
      '@_version': '2.0',
      head: { title: 'Wirefold topics', dateModified: new Date(data.lastUpdated()).toUTCString() },
      body: {
        outline: [{
          '@_type': 'rss',
          '@_text': 'Wirefold: top stories',
          '@_title': 'Wirefold: top stories',
          '@_xmlUrl': absoluteUrl(feedPaths().rss, site),
          '@_htmlUrl': absoluteUrl(homePath(), site),
        }, ...data.topics.map((topic) => ({
          '@_type': 'rss',
          '@_text': topic.label,
          '@_title': topic.label,
          ...(topic.description ? { '@_description': topic.description } : {}),
          '@_xmlUrl': absoluteUrl(feedPaths(topic.slug).rss, site),
          '@_htmlUrl': absoluteUrl(topicPath(topic.slug), site),
        }))],
      },
    },
  }) as string;
}
