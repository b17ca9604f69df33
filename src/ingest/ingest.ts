// The ingest stage: fetch every due feed, parse what changed, store new and changed articles, record each feed's health.
import { parseFeed } from './parse.ts';
import { defaultFetchLimits, fetchFeed, FetchScheduler } from './fetch.ts';
import type { FetchLimits, FetchResult } from './fetch.ts';
import type { Store } from '../store/store.ts';
import { listFeeds, recordFetch } from '../store/feeds.ts';
import type { Feed, FetchOutcome } from '../store/feeds.ts';
import { saveFeedItems } from '../store/articles.ts';

export interface IngestOptions {
  /** Fetch every active feed now, ignoring next-fetch times and backoff. */
  force?: boolean;
  /** Overrides of the fetcher's defaults (concurrency, timeouts, size cap, redirects). */
  limits?: Partial<FetchLimits>;
  onFeedDone?: (done: number, total: number) => void;
  now?: () => Date;
}

export interface FeedFailure {
  url: string;
  error: string;
}

export interface IngestSummary {
  feeds: number;
  fetched: number;
  notModified: number;
  skipped: number;
  added: number;
  updated: number;
  unchanged: number;
  failures: FeedFailure[];
}

const maxBackoffSeconds = 6 * 3600;
const maxHintSeconds = 24 * 3600;

export async function ingestFeeds(store: Store, options: IngestOptions = {}): Promise<IngestSummary> {
  const now = options.now ?? (() => new Date());
  const limits: FetchLimits = { ...defaultFetchLimits, ...options.limits };
  const startedAt = now();
  const feeds = listFeeds(store).filter((feed) => feed.status === 'active');
  const due = options.force ? feeds : feeds.filter((feed) => !feed.nextFetchAt || Date.parse(feed.nextFetchAt) <= startedAt.getTime());
  const summary: IngestSummary = {
    feeds: feeds.length, fetched: 0, notModified: 0, skipped: feeds.length - due.length,
    added: 0, updated: 0, unchanged: 0, failures: [],
  };

  const scheduler = new FetchScheduler(limits);
  let done = 0;
  await Promise.all(
    due.map((feed) =>
      scheduler
        .run(hostOf(feed.url), () => fetchFeed({ url: feed.url, etag: feed.etag, lastModified: feed.lastModified }, limits))
        .then((result) => {
          // Each feed lands in its own transaction: a failure later in the run never undoes this one.
          absorb(store, feed, result, now(), summary);
          options.onFeedDone?.(++done, due.length);
        }),
    ),
  );
  return summary;
}

function absorb(store: Store, feed: Feed, result: FetchResult, fetchedAt: Date, summary: IngestSummary): void {
  const at = fetchedAt.toISOString();
  const later = (seconds: number) => new Date(fetchedAt.getTime() + seconds * 1000).toISOString();
  const fail = (status: number | null, error: string, retryAfter: number | null = null) => {
    summary.failures.push({ url: feed.url, error });
    const backoff = Math.min(maxBackoffSeconds, 60 * 2 ** Math.min(feed.consecutiveFailures, 12));
    store.transaction(() => recordFetch(store, feed.id, { fetchedAt: at, status, error, nextFetchAt: later(retryAfter ?? backoff) }));
  };

  if (result.kind === 'error') return fail(result.status, result.error, result.retryAfterSeconds);
  if (result.kind === 'gone') {
    summary.failures.push({ url: feed.url, error: 'gone (HTTP 410): feed disabled' });
    store.transaction(() => recordFetch(store, feed.id, { fetchedAt: at, status: 410, error: 'gone (HTTP 410): feed disabled', nextFetchAt: null, disable: true }));
    return;
  }
  if (result.kind === 'not-modified') {
    summary.notModified++;
    const outcome: FetchOutcome = { fetchedAt: at, status: 304, error: null, nextFetchAt: hintedNextFetch(result.maxAgeSeconds, null, later), newUrl: result.permanentUrl };
    store.transaction(() => recordFetch(store, feed.id, outcome));
    return;
  }

  let parsed;
  try {
    parsed = parseFeed(result.body, { url: result.url, contentType: result.contentType, now: fetchedAt });
  } catch (error) {
    return fail(result.status, `unreadable feed: ${(error as Error).message}`);
  }
  summary.fetched++;
  store.transaction(() => {
    const counts = saveFeedItems(store, feed.id, parsed.items, at);
    summary.added += counts.added;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    recordFetch(store, feed.id, {
      fetchedAt: at, status: result.status, error: null,
      etag: result.etag, lastModified: result.lastModified,
      nextFetchAt: hintedNextFetch(result.maxAgeSeconds, parsed.ttlMinutes, later),
      newUrl: result.permanentUrl,
      title: feed.title ? null : parsed.title || null,
      siteUrl: feed.siteUrl ? null : parsed.link,
      itemsSeen: parsed.items.length,
    });
  });
}

/** The server's own hint (Cache-Control max-age, RSS ttl) on when to come back, capped at a day; else whenever asked. */
function hintedNextFetch(maxAgeSeconds: number | null, ttlMinutes: number | null, later: (seconds: number) => string): string | null {
  const hint = Math.max(maxAgeSeconds ?? 0, (ttlMinutes ?? 0) * 60);
  return hint > 0 ? later(Math.min(hint, maxHintSeconds)) : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
