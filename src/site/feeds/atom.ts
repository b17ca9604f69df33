// Atom 1.0 (RFC 4287), written with fast-xml-parser's XMLBuilder so every value is escaped by the library.
import { XMLBuilder } from 'fast-xml-parser';
import type { FeedChannel } from './channel.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

export function atomXml(channel: FeedChannel): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xml:lang': 'en',
      id: channel.atomId,
      title: channel.title,
      subtitle: channel.description,
      updated: channel.updated,
      link: [
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': channel.urls.atom },
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': channel.homeUrl },
      ],
      author: { name: 'Wirefold', uri: channel.homeUrl },
      generator: 'Wirefold',
      entry: channel.entries.map((entry) => ({
        id: entry.atomId,
        title: entry.title,
        link: [
          { '@_rel': 'alternate', '@_type': 'text/html', '@_href': entry.url },
          ...(entry.externalUrl ? [{ '@_rel': 'related', '@_type': 'text/html', '@_href': entry.externalUrl }] : []),
        ],
        published: entry.published,
        updated: entry.updated,
        category: entry.topics.map((topic) => ({ '@_term': topic.slug, '@_label': topic.label })),
        ...(entry.summary ? { summary: { '@_type': 'text', '#text': entry.summary } } : {}),
        content: { '@_type': 'html', '#text': entry.contentHtml },
      })),
    },
  }) as string;
}

export function atomResponse(channel: FeedChannel): Response {
  return new Response(atomXml(channel), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
