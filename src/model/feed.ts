// A feed of the source list, and what one fetch of it taught.

export type FeedStatus = 'active' | 'disabled';

export interface Feed {
  id: number;
  url: string;
  title: string | null;
  siteUrl: string | null;
  tags: string[];
  status: FeedStatus;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** When the current run of failures began; null while the feed works. */
  failingSince: string | null;
  nextFetchAt: string | null;
  itemsSeen: number;
  addedAt: string;
}

export interface NewFeed {
  url: string;
  title?: string | null;
  siteUrl?: string | null;
  tags?: string[];
}

/** What one fetch attempt taught us about a feed. */
export interface FetchOutcome {
  fetchedAt: string;
  status: number | null;
  error: string | null;
  etag?: string | null;
  lastModified?: string | null;
  nextFetchAt: string | null;
  newUrl?: string | null;
  disable?: boolean;
  title?: string | null;
  siteUrl?: string | null;
  itemsSeen?: number;
}
