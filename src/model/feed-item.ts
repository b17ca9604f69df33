// The one item model every feed format is adapted into at the edge (src/ingest), and that the store keeps.

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
