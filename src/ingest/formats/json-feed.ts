// Parses JSON Feed 1.0 and 1.1 and adapts it into the raw feed shape.
import { plainTextToHtml } from './extensions.ts';
import { FeedParseError } from '../types.ts';
import type { RawFeed, RawItem } from './raw.ts';

type Json = Record<string, unknown>;

export function readJsonFeed(source: string, feedUrl: string, warnings: string[]): RawFeed {
  let feed: unknown;
  try {
    feed = JSON.parse(source);
  } catch (error) {
    throw new FeedParseError(`the JSON could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(feed)) throw new FeedParseError('not a feed: the JSON is not an object');
  const version = str(feed['version']);
  const versionNumber = /^https?:\/\/jsonfeed\.org\/version\/(\d+(?:\.\d+)?)\/?$/.exec(version ?? '')?.[1];
  if (!versionNumber) {
    if (!Array.isArray(feed['items'])) throw new FeedParseError('not a feed: the JSON has no JSON Feed version and no items');
    warnings.push('the JSON has no JSON Feed version; read it as JSON Feed 1.1');
  }
  if (!Array.isArray(feed['items'])) throw new FeedParseError('not a feed: the JSON Feed has no items list');
  const feedAuthor = authorName(feed);
  return {
    format: 'json',
    formatVersion: versionNumber ? (versionNumber.includes('.') ? versionNumber : `${versionNumber}.0`) : null,
    title: str(feed['title']),
    titleType: 'text', // JSON Feed titles are plain text by the spec, and JSON has no escaping to undo
    link: str(feed['home_page_url']),
    base: feedUrl,
    updated: null, // JSON Feed has no feed-level date
    ttlMinutes: null,
    items: feed['items'].filter(isObject).map((item) => readItem(item, feedUrl, feedAuthor)),
  };
}

function readItem(item: Json, base: string, feedAuthor: string | null): RawItem {
  const attachments = Array.isArray(item['attachments']) ? item['attachments'].filter(isObject) : [];
  const imageAttachments = attachments
    .filter((attachment) => str(attachment['mime_type'])?.toLowerCase().startsWith('image/'))
    .map((attachment) => str(attachment['url']));
  const contentText = str(item['content_text']);
  const summary = str(item['summary']);
  const id = item['id'];
  return {
    id: typeof id === 'number' ? String(id) : str(id), // 1.0 feeds sometimes use numbers
    title: str(item['title']),
    titleType: 'text',
    link: str(item['url']) ?? str(item['external_url']),
    base,
    contentBase: base,
    published: str(item['date_published']),
    updated: str(item['date_modified']),
    author: authorName(item) ?? feedAuthor,
    contentHtml: str(item['content_html']) ?? (contentText ? plainTextToHtml(contentText) : null),
    summaryHtml: summary ? plainTextToHtml(summary) : null,
    images: [str(item['image']), str(item['banner_image']), ...imageAttachments].filter((url): url is string => !!url),
    categories: Array.isArray(item['tags']) ? item['tags'].map(str).filter((tag): tag is string => !!tag) : [],
  };
}

/**
 * 1.1 has an authors array, 1.0 a single author object; feeds also write either one as a plain string or give an author
 * only a url (then the url stands for the name: it is all the feed says about them). Several authors read "A, B".
 */
function authorName(node: Json): string | null {
  const given: unknown[] = Array.isArray(node['authors']) ? node['authors'] : isObject(node['authors']) ? [node['authors']] : [];
  if (given.length === 0) given.push(node['author']);
  const names = given
    .map((author) => (isObject(author) ? str(author['name']) ?? str(author['url']) : str(author)))
    .filter((name): name is string => !!name);
  return names.length ? [...new Set(names)].join(', ') : null;
}


function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
