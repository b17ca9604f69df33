// Adapts RSS 1.0 and 0.90 (<rdf:RDF> with <channel> and sibling <item>s) into the raw feed shape.
import type { RawFeed, RawItem } from './raw.ts';
import { NS } from './namespaces.ts';
import { attr, child, children, childText, withBase, type XmlNode } from './xml.ts';
import { contentEncoded, creators, dcDate, mediaImages, otherDescription, subjects } from './extensions.ts';

export function readRdf(doc: XmlNode, feedUrl: string): RawFeed {
  // The root is rdf:RDF, or RDF when a feed makes the RDF namespace its default.
  const rdf = child(doc, 'rdf:RDF') ?? child(doc, 'RDF');
  const channel = child(rdf, 'channel');
  const base = withBase(channel, withBase(rdf, feedUrl));
  const declared = Object.entries(rdf ?? {}).filter(([key]) => key.startsWith('@_xmlns')).map(([, uri]) => uri);
  return {
    format: 'rdf',
    formatVersion: declared.includes(NS.rss090) ? '0.90' : '1.0',
    title: childText(channel, 'title') ?? childText(channel, 'dc:title'),
    titleType: 'loose',
    link: childText(channel, 'link'),
    base,
    updated: dcDate(channel ?? {}),
    ttlMinutes: null,
    // RSS 1.0 puts items beside the channel; tolerate them inside it too.
    items: [...children(rdf, 'item'), ...children(channel, 'item')].map((item) => readItem(item, base, creators(channel, { channel: true }))),
  };
}

function readItem(item: XmlNode, channelBase: string, channelAuthor: string | null): RawItem {
  const base = withBase(item, channelBase);
  return {
    id: attr(item, 'rdf:about'),
    title: childText(item, 'title') ?? childText(item, 'dc:title'),
    titleType: 'loose',
    link: childText(item, 'link') ?? attr(item, 'rdf:about'),
    base,
    contentBase: base,
    published: dcDate(item),
    updated: null,
    author: creators(item) ?? channelAuthor,
    contentHtml: contentEncoded(item),
    summaryHtml: childText(item, 'description') ?? otherDescription(item),
    images: mediaImages(item),
    categories: subjects(item),
  };
}
