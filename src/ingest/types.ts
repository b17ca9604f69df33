// The one item model every feed format is adapted into at the edge; the rest of Wirefold knows only this.

export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

/**
 * Why an item's date could not be trusted; the store then uses the first-seen time instead. 'undated': no readable
 * date and nothing in the feed to date it from, seen on the feed's first read, so its age is unknown (see undated.ts).
 */
export type DateFlag = 'missing' | 'unparseable' | 'future' | 'undated';

export interface FeedItem {
  /** Stable identity within the feed: the feed's own guid/id, else the canonical URL, else a content hash. */
  guid: string;
  /** Entities decoded, tags stripped, whitespace collapsed; falls back to the summary's start. */
  title: string;
  /** Canonical URL: absolute, tracking parameters and fragment dropped, host lower-cased. */
  url: string | null;
  /** The link exactly as the feed gave it, resolved to absolute. */
  originalUrl: string | null;
  /**
   * ISO 8601. When the item's own date is missing or unparseable (dateFlag says which) this is an estimate from its
   * dated neighbours or the feed's own date, or null when there is none; a future date is clamped to the fetch time.
   */
  published: string | null;
  updated: string | null;
  dateFlag: DateFlag | null;
  author: string | null;
  /** Plain text, about 300 characters, cut at a whole word. */
  summary: string;
  /** Sanitized HTML (allow-list), safe to put on a page. */
  contentHtml: string;
  /** Main image, absolute http(s) URL. */
  image: string | null;
  categories: string[];
}

export interface ParsedFeed {
  title: string;
  link: string | null;
  format: FeedFormat;
  /** e.g. "2.0", "1.0", "0.3", "1.1" */
  formatVersion: string | null;
  /** RSS <ttl> in minutes, when the feed declares one. */
  ttlMinutes: number | null;
  items: FeedItem[];
  /** What was recovered or skipped, in plain words. */
  warnings: string[];
}

export interface ParseOptions {
  /** The URL the bytes came from; relative links resolve against it (after xml:base). */
  url: string;
  /** The HTTP Content-Type header, whose charset wins over the prolog when they disagree only if the bytes agree. */
  contentType?: string | null;
  /** "Now" for future-date checks; defaults to the current time. */
  now?: Date;
  /**
   * True (the default) when this is the feed's first successful read, whose items are its back catalogue: an item
   * that nothing dates is then flagged 'undated' rather than taken as new. Ingest passes false once the feed has been read.
   */
  firstRead?: boolean;
  /** The Content-Encoding the server named but did not apply (the fetcher read the body as sent): said in the warnings. */
  encodingIgnored?: string | null;
}

/** A feed that cannot be read at all; message is one plain-words line for people. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}
