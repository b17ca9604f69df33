// An article: one distinct piece of news, whatever number of feeds carried it.

export interface Article {
  id: number;
  feedId: number;
  /** The outlet: the title of the feed that first carried the article. */
  source: string;
  canonicalUrl: string | null;
  originalUrl: string | null;
  title: string;
  summary: string;
  contentHtml: string;
  author: string | null;
  image: string | null;
  categories: string[];
  publishedAt: string;
  dateFlag: string | null;
  firstSeenAt: string;
  contentHash: string;
  copyOf: number | null;
}

export interface SaveCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface EmbeddingTask {
  contentHash: string;
  title: string;
  summary: string;
}

/** An article as a page shows it: no content HTML (pages link to the source instead of republishing it). */
export interface ArticleSummary {
  id: number;
  /** The outlet: the title of the feed that first carried the article, or its host. */
  source: string;
  /** The feed that first carried the article. */
  feedId: number;
  url: string | null;
  title: string;
  /** Plain text. */
  summary: string;
  image: string | null;
  publishedAt: string;
  /**
   * When the outlet last changed the article's words or date after Wirefold first stored it (the store's updated_at,
   * ISO 8601), or null when it never did: a corrected headline is news to a feed reader (a story entry's updated).
   */
  revisedAt: string | null;
}

/**
 * The near-copy decision, which ingest makes (src/ingest/near-copy.ts) and the store asks for while it saves: a
 * sketch of a text, the integer keys its candidates are found under (none: too short to compare), and whether two
 * sketched texts are copies.
 */
export interface CopyJudge<Sketch = unknown> {
  sketch(title: string, summary: string): Sketch;
  keys(sketch: Sketch): readonly number[];
  isCopy(a: Sketch, b: Sketch): boolean;
}

/** A stored article that shares a near-copy key with a new text: what the judge needs to confirm or reject it. */
export interface CopyCandidate {
  id: number;
  feedId: number;
  title: string;
  summary: string;
  copyOf: number | null;
}
