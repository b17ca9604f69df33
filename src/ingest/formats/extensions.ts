// Reads the namespace extensions RSS, RDF and Atom items share: content:encoded, Dublin Core, Media RSS, enclosures.
import { escapeText } from 'entities';
import { attr, children, childText, text, type XmlNode } from './xml.ts';

const IMAGE_EXTENSION = /\.(avif|gif|jpe?g|png|webp)(\?|$)/i;

/** Image URLs from Media RSS and enclosures, in the order the main-image choice prefers them. */
export function mediaImages(item: XmlNode): string[] {
  const groups = [item, ...children(item, 'media:group')];
  const contents = groups.flatMap((group) => children(group, 'media:content'));
  const fromContent = contents.filter(isImageMedia).map((node) => attr(node, 'url'));
  // Thumbnails can sit on the item, in a group, or inside a video's media:content.
  const thumbnails = [...groups, ...contents]
    .flatMap((node) => children(node, 'media:thumbnail'))
    .map((node) => attr(node, 'url'));
  const enclosures = children(item, 'enclosure')
    .filter((node) => isImageType(attr(node, 'type'), attr(node, 'url')))
    .map((node) => attr(node, 'url'));
  // Atom-style enclosure links appear in RSS too, and are the Atom way of attaching an image.
  const enclosureLinks = [...children(item, 'link'), ...children(item, 'atom:link')]
    .filter((node) => attr(node, 'rel') === 'enclosure' && isImageType(attr(node, 'type'), attr(node, 'href')))
    .map((node) => attr(node, 'href'));
  return [...fromContent, ...thumbnails, ...enclosures, ...enclosureLinks].filter((url): url is string => !!url);
}

function isImageMedia(node: XmlNode): boolean {
  const medium = attr(node, 'medium');
  if (medium) return medium === 'image';
  return isImageType(attr(node, 'type'), attr(node, 'url'));
}

/** By MIME type when given, else by file extension. */
function isImageType(type: string | null, url: string | null): boolean {
  if (type) return type.toLowerCase().startsWith('image/');
  return !!url && IMAGE_EXTENSION.test(url);
}

/**
 * The Media RSS description as HTML: on the item, in a media:group, or on a media:content. Video channel feeds put an
 * entry's only text there. Plain text unless it says type="html".
 */
export function mediaDescription(item: XmlNode): string | null {
  const groups = [item, ...children(item, 'media:group')];
  const holders = [...groups, ...groups.flatMap((group) => children(group, 'media:content'))];
  for (const holder of holders) {
    const description = children(holder, 'media:description')[0];
    const value = text(description);
    if (value) return attr(description, 'type') === 'html' ? value : plainTextToHtml(value);
  }
  return null;
}

/**
 * Text an RSS or RDF item may carry when it has no <description>: Media RSS, then Dublin Core's dc:description, then a
 * podcast's itunes:summary or itunes:subtitle (plain text by their specs).
 */
export function otherDescription(item: XmlNode): string | null {
  const plain = childText(item, 'dc:description') ?? childText(item, 'itunes:summary') ?? childText(item, 'itunes:subtitle');
  return mediaDescription(item) ?? (plain ? plainTextToHtml(plain) : null);
}

/** Plain text as HTML that shows it: escaped, line breaks kept. */
export function plainTextToHtml(value: string): string {
  return escapeText(value).replace(/\n/g, '<br>');
}

/**
 * Who wrote an RSS or RDF item, or (given the channel) a whole feed, from the places feeds name people, best first:
 * dc:creator (every one of them), for a channel managingEditor (RSS 2.0's person responsible for its content), <author>
 * ("email (Name)" is made a name later), itunes:author. The channel's is the items' fallback, as in gofeed.
 */
export function creators(node: XmlNode | undefined, { channel = false } = {}): string | null {
  const names = (name: string) => children(node, name).map(text).filter((value): value is string => !!value);
  const dc = [...new Set(names('dc:creator'))];
  if (dc.length) return dc.join(', ');
  const [author] = [...(channel ? names('managingEditor') : []), ...names('author'), ...names('itunes:author')];
  return author ?? null;
}

export function dcDate(item: XmlNode): string | null {
  return childText(item, 'dc:date') ?? childText(item, 'dcterms:modified') ?? childText(item, 'dcterms:created');
}

export function contentEncoded(item: XmlNode): string | null {
  return childText(item, 'content:encoded');
}

export function subjects(item: XmlNode): string[] {
  return [...children(item, 'category'), ...children(item, 'dc:subject')]
    .map(text)
    .filter((value): value is string => !!value);
}
