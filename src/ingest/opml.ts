// Reads and writes OPML subscription lists (the format feed readers import and export).
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { decodeHTML } from 'entities';

export interface OpmlFeed {
  url: string;
  title: string | null;
  htmlUrl: string | null;
  tags: string[];
}

export interface Opml {
  title: string | null;
  feeds: OpmlFeed[];
}

export class OpmlParseError extends Error {
  override name = 'OpmlParseError';
}

const MAX_OPML_CHARS = 10 * 1024 * 1024;

// Entities stay unexpanded (we decode attribute values ourselves), the same defence as for feeds.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '@',
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name: string) => name === 'outline',
});

type Element = { '@'?: Record<string, string>; outline?: Element[]; [key: string]: unknown };

/**
 * Feeds are outlines with an xmlUrl; outlines without one are folders whose names become tags of
 * everything inside them. The OPML 2.0 `category` attribute ("/News,Tech") adds tags too.
 */
export function parseOpml(text: string): Opml {
  if (text.length > MAX_OPML_CHARS) throw new OpmlParseError('refused: the OPML file is over 10 MB');
  if (/<!ENTITY/i.test(text)) throw new OpmlParseError('refused: the OPML file declares XML entities');
  let doc: Element;
  try {
    doc = parser.parse(text) as Element;
  } catch (error) {
    throw new OpmlParseError(`the OPML could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const opml = doc['opml'] as Element | undefined;
  if (!opml) throw new OpmlParseError('not an OPML file: there is no <opml> element');
  const head = opml['head'] as Element | undefined;
  const body = opml['body'] as Element | undefined;
  const feeds: OpmlFeed[] = [];
  collect(body?.outline ?? [], [], feeds);
  const title = typeof head?.['title'] === 'string' ? decodeHTML(head['title']).trim() : '';
  return { title: title || null, feeds };
}

function collect(outlines: Element[], folders: string[], feeds: OpmlFeed[]): void {
  for (const outline of outlines) {
    const get = attributeReader(outline);
    const name = get('title') ?? get('text');
    const url = get('xmlUrl');
    if (url) {
      const categories = (get('category') ?? '').split(',').map((c) => c.trim().replace(/^\/+|\/+$/g, ''));
      feeds.push({
        url,
        // Exporters often repeat the URL as the text when there is no title; that is not a title.
        title: name && name !== url ? name : null,
        htmlUrl: get('htmlUrl'),
        tags: [...new Set([...folders, ...categories].filter(Boolean))],
      });
    }
    const childFolders = !url && name ? [...folders, name] : folders;
    collect(outline.outline ?? [], childFolders, feeds);
  }
}

/** Attribute names are matched case-insensitively: hand-written files say xmlurl or XMLURL. */
function attributeReader(outline: Element): (name: string) => string | null {
  const attributes = new Map(Object.entries(outline['@'] ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
  return (name) => {
    const value = attributes.get(name.toLowerCase());
    const decoded = typeof value === 'string' ? decodeHTML(value).trim() : '';
    return decoded || null;
  };
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
  processEntities: true, // escapes & < > " in text and attributes
  commentPropName: '#comment',
});

/**
 * The comment at the top of every OPML file Wirefold writes: `feeds export FILE` overwrites only a file that carries it,
 * never a reader's own list (an OPML file is no sign that Wirefold wrote it).
 */
export const opmlExportMark = 'Written by wirefold feeds export; a later export to this file replaces it.';

/**
 * OPML 2.0 as readers import it: feeds nested in a folder outline named after their first tag,
 * further tags in the category attribute (comma-separated, so commas inside a tag do not survive).
 */
export function renderOpml(opml: Opml & { dateCreated?: Date }): string {
  const folders = new Map<string, object[]>();
  const loose: object[] = [];
  for (const feed of opml.feeds) {
    const [folder, ...rest] = feed.tags;
    const outline = {
      '@_type': 'rss',
      '@_text': oneLine(feed.title ?? feed.url),
      ...(feed.title ? { '@_title': oneLine(feed.title) } : {}),
      '@_xmlUrl': feed.url,
      ...(feed.htmlUrl ? { '@_htmlUrl': feed.htmlUrl } : {}),
      ...(rest.length ? { '@_category': rest.map(oneLine).join(',') } : {}),
    };
    if (folder === undefined) loose.push(outline);
    else folders.set(folder, [...(folders.get(folder) ?? []), outline]);
  }
  const folderOutlines = [...folders].map(([name, outlines]) => ({
    '@_text': oneLine(name),
    '@_title': oneLine(name),
    outline: outlines,
  }));
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    '#comment': ` ${opmlExportMark} `,
    opml: {
      '@_version': '2.0',
      head: {
        title: oneLine(opml.title ?? 'Wirefold subscriptions'),
        dateCreated: (opml.dateCreated ?? new Date()).toUTCString(), // RFC 822 as OPML 2.0 asks
      },
      body: { outline: [...folderOutlines, ...loose] },
    },
  }) as string;
}

/** Attribute values with newlines would be normalised to spaces by any XML reader anyway. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
