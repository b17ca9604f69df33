// The one item model every feed format is adapted into at the edge; the rest of Wirefold knows only this.

export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

export type { DateFlag, FeedItem } from '../model/feed-item.ts';
import type { FeedItem } from '../model/feed-item.ts';

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
