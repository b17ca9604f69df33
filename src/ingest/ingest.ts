// The ingest stage: fetch every due feed, parse what changed, store new and changed articles, record each feed's health.
import { encodingIgnoredWarning } from './warnings.ts';
import { FeedReader, ParseBudgetError } from './feed-reader.ts';
import { defaultFetchLimits, fetchFeed, FetchScheduler } from './fetch.ts';
import type { FetchLimits, FetchResult } from './fetch.ts';
import type { Store } from '../store/store.ts';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { countActiveFeeds, countFeedsAwaitingHosts, isFollowed, leaseDueFeeds, recordFetch, releaseLease, releaseWorkerLeases, renewLeases } from '../store/feeds.ts';
import { feedHost, pauseHost } from '../store/hosts.ts';
import type { Feed, FetchOutcome } from '../store/feeds.ts';
import { keyUnkeyedArticles, saveFeedItems } from './save-items.ts';
import type { SaveCounts } from '../store/articles.ts';
import type { FeedItem } from './types.ts';

export interface IngestOptions {
  /** Fetch every active feed now, ignoring next-fetch times and backoff. */
  force?: boolean;
  /** Overrides of the fetcher's defaults (concurrency, timeouts, size cap, redirects). */
  limits?: Partial<FetchLimits>;
  /** Fetch feeds on loopback, private, link-local and other non-public addresses too (off: such feeds fail, refused). */
  allowPrivateAddresses?: boolean;
  /** How long one feed may take to parse (default 30 s); a slower one fails for this run. */
  parseTimeoutMs?: number;
  /** How many threads parse feeds at most (default: one per core beside the main thread's; see defaultParseWorkers). */
  parseWorkers?: number;
  /** How long a worker holds the feeds it takes, in seconds (default 600); see leaseDueFeeds. */
  leaseSeconds?: number;
  /**
   * How many feeds one worker holds at a time (default: all due feeds on SQLite, where one ingest runs at a time;
   * four times the fetch concurrency on PostgreSQL, so several workers share the due feeds).
   */
  leaseBatch?: number;
  onFeedDone?: (done: number, total: number) => void;
  /**
   * Registers work to run if the process is stopped by a signal (the CLI's stop-signals.ts beforeStopExit); returns
   * its removal. A stopped run then gives back the leases it holds, so other workers need not wait for them to lapse.
   */
  beforeStopExit?: (cleanup: () => Promise<unknown>) => () => void;
  now?: () => Date;
}

export interface FeedFailure {
  url: string;
  error: string;
  /** Refused by the network policy (--allow-private-addresses), not failed at the server. */
  refused: boolean;
}

/** Something a feed's server got wrong that ingest read around, worth telling whoever runs the feed. */
export interface FeedWarning {
  url: string;
  warning: string;
}

export interface IngestSummary {
  feeds: number;
  fetched: number;
  notModified: number;
  /** Active feeds this run did not take: not due, or (PostgreSQL) leased by another worker. */
  skipped: number;
  added: number;
  updated: number;
  unchanged: number;
  /** PostgreSQL: leased feeds given back unfetched, because their host had just asked for a wait (429/503). */
  heldBack: number;
  /** Feeds taken off the source list (`feeds remove`) while this run fetched them: nothing of them was stored. */
  removed: number;
  failures: FeedFailure[];
  warnings: FeedWarning[];
}

const maxBackoffSeconds = 6 * 3600;

/*
 * Each feed's time is bounded in two parts: its fetch by limits.totalTimeoutMs (connect, redirects and body, however
 * slowly the server drips), its parse by parseTimeoutMs in a worker (see feed-reader.ts). Its store write is linear in
 * its items, at most 10 MB of them. 30 s for the parse: the 50,000-item feed of bench/ingest parses in a few seconds,
 * while 10 MB of hostile markup was seen to take over a minute.
 */
const defaultParseTimeoutMs = 30_000;
const maxHintSeconds = 24 * 3600;
/**
 * A lease outlasts any one feed's fetch (30 s at most), parse (30 s) and batched write by far, so a live worker never
 * loses its feeds to another; a killed worker's feeds wait this long (10 minutes, within a usual 15-minute interval).
 */
const defaultLeaseSeconds = 600;
/** The lease batch on SQLite: every due feed at once, handed to the fetch scheduler as before leases existed. */
const everyFeed = 1_000_000_000;

export async function ingestFeeds(store: Store, options: IngestOptions = {}): Promise<IngestSummary> {
  const now = options.now ?? (() => new Date());
  const limits: FetchLimits = { ...defaultFetchLimits, ...options.limits };
  const network = { allowPrivateAddresses: options.allowPrivateAddresses ?? false };
  const startedAt = now();
  const runStartedAt = startedAt.toISOString();
  // Unique per run, so a later run of the same process (watch) does not count an earlier run's lapsed leases as its own.
  const worker = `${hostname()} pid ${process.pid} at ${runStartedAt}`;
  const leaseSeconds = options.leaseSeconds ?? defaultLeaseSeconds;
  const batch = options.leaseBatch ?? (store.kind === 'postgres' ? limits.concurrency * 4 : everyFeed);
  const feeds = await countActiveFeeds(store);
  const summary: IngestSummary = {
    feeds, fetched: 0, notModified: 0, skipped: feeds,
    added: 0, updated: 0, unchanged: 0, heldBack: 0, removed: 0, failures: [], warnings: [],
  };
  await keyUnkeyedArticles(store); // a store from before near-copy keys: key its articles once

  // Distinct feeds: on PostgreSQL a feed held back and given back may be leased again later in the run.
  const leasedIds = new Set<number>();
  const writer = new LandingWriter(store, summary, (done) => options.onFeedDone?.(done, leasedIds.size));
  const scheduler = new FetchScheduler(limits);
  const reader = new FeedReader(options.parseTimeoutMs ?? defaultParseTimeoutMs, { workers: options.parseWorkers });
  const held = new Set<number>();
  // PostgreSQL: hosts that answered 429/503 in this run, until when (ms). Their feeds still in hand are given back
  // unfetched; the hosts table tells the other workers (see pauseHost). SQLite keeps its behaviour: each feed alone.
  const politeAcrossWorkers = store.kind === 'postgres';
  const pausedHosts = new Map<string, number>();
  const paused = (host: string | null) => host !== null && (pausedHosts.get(host) ?? 0) > now().getTime();
  // Renew the leases of feeds still being fetched three times per lease, so a slow feed is never taken over while it
  // runs. A failed renewal is not fatal: at worst another worker fetches that feed too, and the store keeps one copy.
  const renewal = setInterval(() => {
    const until = new Date(now().getTime() + leaseSeconds * 1000).toISOString();
    renewLeases(store, worker, [...held], until).catch(() => undefined);
  }, Math.max(100, leaseSeconds * 1000 / 3));
  // Feeds in hand, and a wake-up per finished one. Not Promise.race over the feeds in hand: each race adds a handler to
  // every one of them, which for 2,000 feeds at once was millions of handlers (+13 % CPU, +240 MB in bench/ingest).
  let active = 0;
  let wake = () => {};
  const oneDone = () => new Promise<void>((resolve) => (wake = resolve));
  let failure: { error: unknown } | null = null;
  // PostgreSQL: set once the writer has been flushed with nothing in hand, so this worker's host leases are released.
  let flushed = false;
  // PostgreSQL: since when this worker has had nothing in hand and nothing to lease but feeds of hosts others hold.
  let idleSince: number | null = null;
  // Stopped by a signal: lease nothing more, and give back what is held (a lease query already under way may still
  // land; that lease lapses after leaseSeconds, as a killed worker's do).
  let stopped = false;
  const forgetStop = options.beforeStopExit?.(async () => {
    stopped = true;
    await releaseWorkerLeases(store, worker);
  });
  try {
    // Take feeds a batch at a time, and more once half of them are done, until no due feed is left unleased.
    for (;;) {
      const taken = failure || stopped ? [] : await leaseDueFeeds(store, {
        worker, limit: batch - active, leaseSeconds, runStartedAt, now: now().toISOString(), force: options.force,
      });
      for (const feed of taken) leasedIds.add(feed.id);
      if (taken.length > 0) {
        flushed = false;
        idleSince = null;
      }
      for (const feed of taken) {
        held.add(feed.id);
        active++;
        const host = politeAcrossWorkers ? feedHost(feed.url) : null;
        let pause: { host: string; until: string } | undefined;
        void scheduler
          .run(hostOf(feed.url), async () => {
            if (paused(host)) return null;
            const result = await fetchFeed({ url: feed.url, etag: feed.etag, lastModified: feed.lastModified }, limits, network);
            // Paused before the scheduler's slot is freed, or the next queued fetch of this host would start first.
            if (host !== null && result.kind === 'error' && askedToWait(result.status)) {
              pause = { host, until: hostWaitUntil(now(), result.retryAfterSeconds) };
              pausedHosts.set(host, Date.parse(pause.until));
            }
            return result;
          })
          .then(async (result) => {
            if (result === null) return writer.add({ feed, kind: 'held-back', items: [], outcome: { fetchedAt: now().toISOString(), status: null, error: null, nextFetchAt: null } });
            writer.add({ ...await land(feed, result, now(), reader), pauseHost: pause });
          })
          .catch((error: unknown) => void (failure ??= { error }))
          .finally(() => {
            active--;
            held.delete(feed.id);
            wake();
          });
      }
      // Take more once half of the batch is done.
      if (taken.length > 0) {
        while (active > batch / 2) await oneDone();
        continue;
      }
      // Nothing more to take. On PostgreSQL, feeds of the hosts this worker holds wait for it to record their batch:
      // try again as feeds in hand land (at most once per write window, when their hosts may have been released, so
      // the tail of a run is not one lease query per feed), and once more after writing everything.
      if (politeAcrossWorkers && !failure) {
        if (active > 0) {
          await Promise.all([oneDone(), delay(BATCH_WINDOW_MS)]);
          continue;
        }
        if (!flushed) {
          await writer.flush();
          flushed = true;
          continue;
        }
        // Due feeds whose hosts other workers hold now are handed on as those workers record each batch: a worker that
        // started a moment after the others (and found every free host taken) waits for them instead of leaving the
        // fleet short. Bounded, so a host held by a worker that died waits for its lease to lapse in the next run.
        const awaiting = await countFeedsAwaitingHosts(store, { worker, leaseSeconds, runStartedAt, now: now().toISOString(), force: options.force });
        if (awaiting > 0 && (idleSince ??= Date.now()) > Date.now() - HOST_WAIT_MS) {
          await delay(BATCH_WINDOW_MS);
          continue;
        }
      }
      while (active > 0) await oneDone();
      break;
    }
  } finally {
    while (active > 0) await oneDone();
    forgetStop?.();
    clearInterval(renewal);
    await reader.close();
  }
  if (failure) throw (failure as { error: unknown }).error;
  summary.skipped = feeds - leasedIds.size;
  await writer.flush();
  return summary;
}

/** What one fetch means for the store, parsed and decided before anything is written. */
interface Landing {
  feed: Feed;
  /** held-back: not fetched, its lease given back (its host had just asked for a wait); nothing else is recorded. */
  kind: 'fetched' | 'not-modified' | 'failed' | 'held-back';
  outcome: FetchOutcome;
  items: readonly FeedItem[];
  /** Only the server's faults worth a line in the run's summary; the rest of the parse warnings are for `feeds parse`. */
  warnings?: string[];
  /** The network policy refused the feed's address (FeedFailure.refused). */
  refused?: boolean;
  /** PostgreSQL: the host answered 429/503; every worker leaves it alone until then (ISO-8601). */
  pauseHost?: { host: string; until: string };
}

/** How long landed feeds wait to share a commit. A crash loses at most this much work, fetched again next run. */
const BATCH_WINDOW_MS = 200;
/**
 * How long a PostgreSQL worker with nothing in hand waits for hosts other workers hold (countFeedsAwaitingHosts)
 * before it ends its run. A live holder hands a host on after each batch of 16 feeds (seconds); a minute without one
 * means a holder that is stuck or dead, whose hosts the lease expiry frees for a later run.
 */
const HOST_WAIT_MS = 60_000;
/** A batch this large is written at once, so parsed feeds waiting for their commit stay a few megabytes. */
const BATCH_MAX_FEEDS = 24;

/*
 * Feeds are written in batches: whatever landed within a short window goes into one transaction. Each commit writes
 * every page it touched to the WAL, and new articles touch pages all over the random-keyed indexes (canonical URL,
 * near-copy keys), so one commit per feed rewrote the same index pages over and over: in bench/ingest, batching
 * took the first run from about 27 s to about 19 s of CPU. If a batch fails, its feeds are written again one transaction each, so one feed's failure never
 * undoes another's, and that feed is recorded as failed in plain words.
 */
class LandingWriter {
  readonly #store: Store;
  readonly #summary: IngestSummary;
  readonly #onWritten: (done: number) => void;
  /** Feeds given back unfetched and not fetched since (summary.heldBack). */
  readonly #heldBack = new Set<number>();
  /** Feeds whose last landing found them removed from the source list (summary.removed). */
  readonly #removed = new Set<number>();
  #pending: Landing[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #done = 0;

  constructor(store: Store, summary: IngestSummary, onWritten: (done: number) => void) {
    this.#store = store;
    this.#summary = summary;
    this.#onWritten = onWritten;
  }

  add(landing: Landing): void {
    this.#pending.push(landing);
    if (this.#pending.length >= BATCH_MAX_FEEDS) return void this.flush();
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
  }

  /** Writes what is pending after any write under way (one at a time); resolves when all handed in so far is written. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0);
    this.#writing = this.#writing.then(() => this.#writeBatch(batch));
    return this.#writing;
  }

  async #writeBatch(batch: Landing[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const counts = await this.#store.transaction(async () => {
        const all: Written[] = [];
        for (const landing of batch) all.push(await write(this.#store, landing));
        return all;
      });
      batch.forEach((landing, index) => this.#tally(landing, counts[index]!));
    } catch {
      for (const landing of batch) await this.#writeAlone(landing);
    }
  }

  async #writeAlone(landing: Landing): Promise<void> {
    try {
      this.#tally(landing, await this.#store.transaction(async () => await write(this.#store, landing)));
    } catch (error) {
      const failed = failedLanding(landing.feed, landing.outcome.fetchedAt, landing.outcome.status,
        `could not be stored: ${(error as Error).message}`);
      try {
        await this.#store.transaction(async () => await write(this.#store, failed));
      } catch {
        // The store refuses even the failure record: the summary below still reports the feed.
      }
      this.#tally(failed, noCounts());
    }
  }

  #tally(landing: Landing, counts: Written): void {
    const summary = this.#summary;
    // Feeds, not landings: on PostgreSQL a feed removed and followed again during the run may be taken again.
    if (counts === 'removed') this.#removed.add(landing.feed.id);
    else this.#removed.delete(landing.feed.id);
    summary.removed = this.#removed.size;
    if (counts === 'removed') {
      summary.warnings.push({ url: landing.feed.url, warning: 'removed from the source list during this run; nothing of this fetch was stored' });
      return void this.#onWritten(++this.#done);
    }
    if (landing.kind === 'fetched') summary.fetched++;
    if (landing.kind === 'not-modified') summary.notModified++;
    if (landing.kind === 'held-back') this.#heldBack.add(landing.feed.id);
    else this.#heldBack.delete(landing.feed.id);
    summary.heldBack = this.#heldBack.size;
    if (landing.outcome.error !== null) summary.failures.push({ url: landing.feed.url, error: landing.outcome.error, refused: landing.refused === true });
    for (const warning of landing.warnings ?? []) summary.warnings.push({ url: landing.feed.url, warning });
    summary.added += counts.added;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    this.#onWritten(++this.#done);
  }
}

/** What writing a landing did: its counts, or 'removed' when its feed left the source list during the run. */
type Written = SaveCounts | 'removed';

async function write(store: Store, landing: Landing): Promise<Written> {
  if (landing.kind === 'held-back') {
    await releaseLease(store, landing.feed.id);
    return noCounts();
  }
  // `feeds remove` takes no lock, so it may run while this run fetches: a feed removed since it was taken stores
  // nothing of this fetch (its items must not reach the site; a deleted row failed them on the foreign key) and is no
  // failure. removeFeed keeps a leased feed's row, disabled, so its lease, and its host's, are given back here.
  if (!await isFollowed(store, landing.feed.id)) {
    await releaseLease(store, landing.feed.id);
    return 'removed';
  }
  if (landing.pauseHost) await pauseHost(store, landing.pauseHost.host, landing.pauseHost.until);
  // The fetch is recorded before the items are saved (one transaction either way): saving asks whose site a link is
  // (articles.ts ArticleOwners), and a feed's site address is first known from the fetch. Saved first, a publisher's
  // first fetch could not take its articles over from an aggregator that carried them before, and its next fetches
  // answered 304.
  await recordFetch(store, landing.feed.id, landing.outcome);
  return landing.items.length > 0 ? await saveFeedItems(store, landing.feed.id, landing.items, landing.outcome.fetchedAt) : noCounts();
}

const noCounts = (): SaveCounts => ({ added: 0, updated: 0, unchanged: 0 });

async function land(feed: Feed, result: FetchResult, fetchedAt: Date, reader: FeedReader): Promise<Landing> {
  const at = fetchedAt.toISOString();
  const later = (seconds: number) => new Date(fetchedAt.getTime() + seconds * 1000).toISOString();

  // A refusal by our own network policy is no server failure: no backoff, so the run after the setting changes fetches it.
  if (result.kind === 'error' && result.refused) return { feed, kind: 'failed', items: [], refused: true, outcome: { fetchedAt: at, status: null, error: result.error, nextFetchAt: null } };
  if (result.kind === 'error') return failedLanding(feed, at, result.status, result.error, result.retryAfterSeconds);
  if (result.kind === 'gone') {
    const error = 'gone (HTTP 410): feed disabled';
    return { feed, kind: 'failed', items: [], outcome: { fetchedAt: at, status: 410, error, nextFetchAt: null, disable: true } };
  }
  if (result.kind === 'not-modified') {
    return {
      feed, kind: 'not-modified', items: [],
      outcome: { fetchedAt: at, status: 304, error: null, nextFetchAt: hintedNextFetch(result.maxAgeSeconds, null, later), newUrl: result.permanentUrl },
    };
  }

  let parsed;
  try {
    parsed = await reader.parse(result.body, { url: result.url, contentType: result.contentType, now: fetchedAt,
      encodingIgnored: result.encodingIgnored, firstRead: feed.itemsSeen === 0 });
  } catch (error) {
    if (error instanceof ParseBudgetError) return failedLanding(feed, at, result.status, error.message);
    // A site's page subscribed to instead of its feed: follow the feed it announces from the next run on, as a
    // permanent redirect would be followed, and say so where the feed's health is shown.
    // Loaded here only: htmlparser2 is needed only for such a page.
    const { discoverFeeds } = await import('./discover.ts');
    const announced = discoverFeeds(result.body, result.url)[0]?.url;
    if (announced && /^https?:/.test(announced)) {
      return {
        feed, kind: 'failed', items: [],
        outcome: { fetchedAt: at, status: result.status, error: `a web page, not a feed; found its feed ${announced} and moved to it`, nextFetchAt: at, newUrl: announced },
      };
    }
    return failedLanding(feed, at, result.status, `unreadable feed: ${(error as Error).message}`);
  }
  return {
    feed, kind: 'fetched', items: parsed.items,
    warnings: result.encodingIgnored ? [encodingIgnoredWarning(result.encodingIgnored)] : [],
    outcome: {
      fetchedAt: at, status: result.status, error: null,
      etag: result.etag, lastModified: result.lastModified,
      nextFetchAt: hintedNextFetch(result.maxAgeSeconds, parsed.ttlMinutes, later),
      newUrl: result.permanentUrl,
      title: feed.title ? null : parsed.title || null,
      siteUrl: feed.siteUrl ? null : parsed.link,
      itemsSeen: parsed.items.length,
    },
  };
}

/** A failure, retried after the server's Retry-After or an exponential backoff (capped) over consecutive failures. */
function failedLanding(feed: Feed, at: string, status: number | null, error: string, retryAfterSeconds: number | null = null): Landing {
  const backoff = Math.min(maxBackoffSeconds, 60 * 2 ** Math.min(feed.consecutiveFailures, 12));
  const nextFetchAt = new Date(Date.parse(at) + (retryAfterSeconds ?? backoff) * 1000).toISOString();
  return { feed, kind: 'failed', items: [], outcome: { fetchedAt: at, status, error, nextFetchAt } };
}

/**
 * 429 Too Many Requests and 503 Service Unavailable are the answers in which HTTP lets a server ask for a wait
 * (RFC 9110 §10.2.3, RFC 6585 §4); both concern the server, not the one feed, so the whole host waits.
 */
const askedToWait = (status: number | null) => status === 429 || status === 503;
/** The wait a 429/503 without Retry-After gets: a minute, as the first step of a failing feed's backoff. */
const defaultHostWaitSeconds = 60;

/** When a host that asked for a wait may be asked again: its Retry-After, else a minute, at most maxBackoffSeconds. */
function hostWaitUntil(at: Date, retryAfterSeconds: number | null): string {
  const seconds = Math.min(maxBackoffSeconds, retryAfterSeconds ?? defaultHostWaitSeconds);
  return new Date(at.getTime() + seconds * 1000).toISOString();
}

/** The server's own hint (Cache-Control max-age, RSS ttl) on when to come back, capped at a day; else whenever asked. */
function hintedNextFetch(maxAgeSeconds: number | null, ttlMinutes: number | null, later: (seconds: number) => string): string | null {
  const hint = Math.max(maxAgeSeconds ?? 0, (ttlMinutes ?? 0) * 60);
  return hint > 0 ? later(Math.min(hint, maxHintSeconds)) : null;
}

/**
 * The key of the in-process per-host limit: host and port, as before leases across workers existed (bench/ingest
 * serves its 200 "hosts" as ports of 127.0.0.1). The lease across workers is by hostname alone (feedHost), so on
 * PostgreSQL one hostname served on two ports may see two requests on each.
 */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
