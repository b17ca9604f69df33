// Adapts RSS 0.9x/2.0 (<rss><channel><item>) into the raw feed shape.
import type { RawFeed, RawItem } from './raw.ts';
import { attr, child, children, childText, text, withBase, type XmlNode } from './xml.ts';
import { contentEncoded, creators, dcDate, mediaImages, otherDescription, subjects } from './extensions.ts';

export function readRss(doc: XmlNode, feedUrl: string): RawFeed {
  const rss = child(doc, 'rss');
  const channel = child(rss, 'channel');
  const base = withBase(channel, withBase(rss, feedUrl));
  // Some generators put items beside the channel instead of inside it.
  const items = [...children(channel, 'item'), ...children(rss, 'item')];
  const channelAuthor = creators(channel, { channel: true });
  return {
    format: 'rss',
    formatVersion: attr(rss, 'version'),
    title: childText(channel, 'title') ?? childText(channel, 'dc:title'),
    titleType: 'loose',
    link: firstText(channel, 'link') ?? alternateLink(channel),
    base,
    updated: childText(channel, 'lastBuildDate') ?? childText(channel, 'pubDate') ?? dcDate(channel ?? {}),
    ttlMinutes: minutes(childText(channel, 'ttl')),
    items: items.map((item) => readItem(item, base, channelAuthor)),
  };
}

function readItem(item: XmlNode, channelBase: string, channelAuthor: string | null): RawItem {
  const base = withBase(item, channelBase);
  const guid = child(item, 'guid');
  const id = childText(item, 'guid');
  // A guid is a permalink unless it says otherwise (RSS 2.0), so it can stand in for a missing <link>.
  const guidLink = id && attr(guid, 'isPermaLink') !== 'false' && /^https?:\/\//i.test(id) ? id : null;
  return {
    id,
    title: childText(item, 'title') ?? childText(item, 'dc:title'),
    titleType: 'loose',
    link: firstText(item, 'link') ?? alternateLink(item) ?? guidLink,
    base,
    contentBase: base,
    published: childText(item, 'pubDate') ?? dcDate(item),
    updated: childText(item, 'atom:updated'),
    author: creators(item) ?? channelAuthor,
    contentHtml: contentEncoded(item),
    summaryHtml: childText(item, 'description') ?? otherDescription(item),
    images: mediaImages(item),
    categories: subjects(item),
  };
}

/** The first such child with text: an Atom `<link href=…/>` written without a prefix can come before the RSS one. */
function firstText(node: XmlNode | undefined, name: string): string | null {
  for (const element of children(node, name)) {
    const value = text(element);
    if (value) return value;
  }
  return null;
}

function alternateLink(node: XmlNode | undefined): string | null {
  const link = [...children(node, 'atom:link'), ...children(node, 'link')]
    .find((l) => attr(l, 'href') && (attr(l, 'rel') ?? 'alternate') === 'alternate');
  return attr(link, 'href');
}

function minutes(value: string | null): number | null {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : null;
}
