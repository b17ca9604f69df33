// A source's health as the sources page tells it: one status word, and the last error in words a reader understands.
import type { Feed } from '../store/feeds.ts';
import { outletName } from '../store/site-reads.ts';

export type HealthStatus = 'ok' | 'failing' | 'down' | 'disabled' | 'new';

export interface FeedView {
  id: number;
  title: string;
  url: string;
  siteUrl: string | null;
  status: HealthStatus;
  statusLabel: string;
  lastFetchedAt: string | null;
  lastHttpStatus: number | null;
  consecutiveFailures: number;
  /** The last error explained, or null when the last fetch went well. */
  problem: string | null;
  /** Distinct articles this feed has carried. */
  articleCount: number;
}

/** Failures in a row after which a feed counts as down rather than having a bad moment. */
const downAfterFailures = 3;

const statusLabels: Record<HealthStatus, string> = {
  ok: 'Healthy',
  failing: 'Failing',
  down: 'Down',
  disabled: 'Disabled',
  new: 'Not fetched yet',
};

export function feedHealth(feed: Feed, articleCount: number): FeedView {
  const status: HealthStatus = feed.status === 'disabled' ? 'disabled'
    : feed.lastFetchedAt === null ? 'new'
    : feed.consecutiveFailures >= downAfterFailures ? 'down'
    : feed.consecutiveFailures > 0 ? 'failing'
    : 'ok';
  return {
    id: feed.id,
    title: outletName(feed.title, feed.url),
    url: feed.url,
    siteUrl: feed.siteUrl,
    status,
    statusLabel: statusLabels[status],
    lastFetchedAt: feed.lastFetchedAt,
    lastHttpStatus: feed.lastStatus,
    consecutiveFailures: feed.consecutiveFailures,
    problem: feed.lastError ? explainFetchError(feed.lastError) : null,
    articleCount,
  };
}

const httpMeanings: Record<number, string> = {
  400: 'the server rejected the request',
  401: 'the feed needs a login',
  403: 'the server refuses to serve the feed to us',
  404: 'the feed is no longer at this address',
  408: 'the server gave up waiting for the request',
  429: 'the server asked us to slow down',
  451: 'the feed is blocked for legal reasons',
  500: 'the server had an internal error',
  502: 'a gateway in front of the server failed',
  503: 'the server is temporarily unavailable',
  504: 'a gateway in front of the server timed out',
};

/** Ingest records errors tersely ("HTTP 404 Not Found", "host not found"); this says what they mean for the feed. */
export function explainFetchError(error: string): string {
  const http = error.match(/^HTTP (\d{3})/);
  if (http) {
    const code = Number(http[1]);
    const meaning = httpMeanings[code] ?? (code >= 500 ? 'the server had a problem' : 'the server refused the request');
    return `${capitalize(meaning)} (${error}).`;
  }
  if (/^unreadable feed/.test(error)) return `The server answered, but not with a feed we can read (${error.replace(/^unreadable feed:\s*/, '')}).`;
  if (/^gone \(HTTP 410\)/.test(error)) return 'The publisher says the feed is gone for good (HTTP 410), so we stopped fetching it.';
  if (error === 'host not found') return 'The feed’s domain name does not resolve (host not found).';
  if (error === 'connection refused') return 'The server refused the connection.';
  if (/^no complete response within/.test(error)) return `The server was too slow: ${error}.`;
  return `${capitalize(error)}${/[.!?]$/.test(error) ? '' : '.'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
