// Adapts Atom 1.0 and Atom 0.3 (<feed><entry>), including xml:base and text constructs, into the raw feed shape.
import type { RawFeed, RawItem, TextType } from './raw.ts';
import { hasHtmlTag } from '../normalize/html.ts';
import { NS } from './namespaces.ts';
import { mediaDescription, mediaImages, plainTextToHtml } from './extensions.ts';
import { attr, child, children, childText, innerMarkup, text, withBase, type XmlNode } from './xml.ts';

export function readAtom(doc: XmlNode, feedUrl: string): RawFeed {
  const feed = child(doc, 'feed');
  const base = withBase(feed, feedUrl);
  const feedAuthor = authorName(feed);
  return {
    format: 'atom',
    formatVersion: atomVersion(feed),
    ...titleConstruct(child(feed, 'title')),
    link: alternateLink(feed, base),
    base,
    updated: childText(feed, 'updated') ?? childText(feed, 'modified'),
    ttlMinutes: null,
    items: children(feed, 'entry').map((entry) => readEntry(entry, base, feedAuthor)),
  };
}

function atomVersion(feed: XmlNode | undefined): string {
  const declared = Object.entries(feed ?? {}).filter(([key]) => key.startsWith('@_xmlns')).map(([, uri]) => uri);
  if (declared.includes(NS.atom10)) return '1.0';
  return attr(feed, 'version') ?? (declared.includes(NS.atom03) ? '0.3' : '1.0');
}

function readEntry(entry: XmlNode, feedBase: string, feedAuthor: string | null): RawItem {
  const base = withBase(entry, feedBase);
  const content = child(entry, 'content');
  const summary = child(entry, 'summary');
  // Atom 0.3 names: issued/created/modified; Atom 1.0: published/updated.
  const updated = childText(entry, 'updated') ?? childText(entry, 'modified');
  const categories = children(entry, 'category')
    .map((category) => attr(category, 'label') ?? attr(category, 'term') ?? text(category))
    .filter((value): value is string => !!value);
  return {
    id: childText(entry, 'id'),
    ...titleConstruct(child(entry, 'title')),
    link: alternateLink(entry, base),
    base,
    contentBase: withBase(content ?? summary, base),
    published: childText(entry, 'published') ?? childText(entry, 'issued') ?? childText(entry, 'created'),
    updated,
    author: authorName(entry) ?? authorName(child(entry, 'source')) ?? feedAuthor,
    contentHtml: textConstruct(content),
    summaryHtml: textConstruct(summary) ?? mediaDescription(entry),
    images: mediaImages(entry),
    categories: [...categories, ...children(entry, 'dc:subject').map(text).filter((v): v is string => !!v)],
  };
}

/**
 * An Atom text construct as HTML. type="html" is escaped HTML, "xhtml" inline markup, "text" plain text.
 * Atom 0.3 uses MIME types and mode="escaped|xml|base64". With no type at all, text that plainly is
 * HTML is taken as HTML, as most feeds without a type mean it.
 */
function textConstruct(node: XmlNode | undefined): string | null {
  if (!node) return null;
  const type = (attr(node, 'type') ?? '').toLowerCase();
  const mode = attr(node, 'mode');
  if (mode === 'base64') return Buffer.from(text(node) ?? '', 'base64').toString('utf8');
  if (type === 'xhtml' || type === 'application/xhtml+xml' || mode === 'xml') return unprefixedMarkup(innerMarkup(node));
  const value = text(node);
  if (value === null) return null;
  if (type === 'html' || type === 'text/html' || mode === 'escaped') return value;
  if (!type && hasHtmlTag(value)) return value;
  return plainTextToHtml(value);
}

/**
 * A title text construct, kept as written with how to read it: type="text" is final once the XML reader decoded it,
 * so `&lt;animate&gt;` stays `<animate>`. With no type (text by the spec, but often HTML in practice) it is read loosely.
 */
function titleConstruct(node: XmlNode | undefined): { title: string | null; titleType: TextType } {
  const type = (attr(node, 'type') ?? '').toLowerCase();
  const mode = attr(node, 'mode');
  if (mode === 'base64' || type === 'xhtml' || type === 'application/xhtml+xml' || mode === 'xml') {
    return { title: textConstruct(node), titleType: 'html' };
  }
  if (type === 'html' || type === 'text/html' || mode === 'escaped') return { title: text(node), titleType: 'html' };
  if (type === 'text' || type === 'text/plain') return { title: text(node), titleType: 'text' };
  return { title: text(node), titleType: 'loose' };
}

/**
 * XHTML content as HTML. Its elements may carry a prefix bound to the XHTML namespace (`<xhtml:div><xhtml:p>`), which an
 * HTML reader takes for unknown elements: their markup was dropped and their paragraphs glued together. Inside an
 * xhtml construct every element is XHTML in practice, so prefixes and namespace declarations are simply removed.
 */
function unprefixedMarkup(markup: string | null): string | null {
  if (!markup?.includes(':')) return markup;
  return markup.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1').replace(/\s+xmlns(?::[\w.-]+)?\s*=\s*(["'])[^"']*\1/g, '');
}

function alternateLink(node: XmlNode | undefined, base: string): string | null {
  const links = children(node, 'link');
  const alternate =
    links.find((link) => (attr(link, 'rel') ?? 'alternate') === 'alternate' && /html/.test(attr(link, 'type') ?? 'html')) ??
    links.find((link) => (attr(link, 'rel') ?? 'alternate') === 'alternate');
  const href = attr(alternate, 'href');
  if (!href) return null;
  // A link can carry its own xml:base; resolve here so the item base stays the entry's.
  try {
    return new URL(href, withBase(alternate, base)).href;
  } catch {
    return href;
  }
}

/** Every author's name (else email) of an entry, its source or the feed, then dc:creator; "A, B" for several. */
function authorName(node: XmlNode | undefined): string | null {
  const names = children(node, 'author')
    .map((author) => childText(author, 'name') ?? childText(author, 'email'))
    .filter((name): name is string => !!name);
  return names.length ? [...new Set(names)].join(', ') : childText(node, 'dc:creator');
}
