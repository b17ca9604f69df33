// What saving one feed's items looks up in the store (its own guids, canonical URLs, its articles' words, near-copy
// keys), read once per feed in four queries instead of three to five per item, and kept current as the save writes.
/*
 * Why: saveFeedItems asked the store per item (guid, then URL, then words, then the near-copy candidates), and on a
 * first run every one of those missed; in a profile of bench/ingest the candidates' look-up alone was 18 % of the main
 * thread's busy time, the largest single part of it.
 * Each map below answers exactly what its per-item query answered at that point of the save, because every write the
 * save makes that could change an answer is mirrored here (an inserted article, source or key; an article's new
 * words). The one write not mirrored exactly, an article's near-copy keys replaced, marks the keys stale, and the
 * save goes back to asking the store per item (copyCandidates). Other writers are not seen between the read and the
 * write of one feed: on SQLite there are none inside the transaction; on PostgreSQL another worker's rows committed
 * in that moment are missed as they would be a moment earlier, and a clash on canonical_url fails the batch, which
 * is written again feed by feed (LandingWriter).
 */
import { sqlOf } from './connection.ts';
import type { Store } from './store.ts';

/** The near-copy candidates wanted per new article, lowest ids first (see copyCandidates). */
export const COPY_CANDIDATES = 16;

/** keyCarriers' query on each engine (exported for the plan tests). */
export const keyCarriersSql = {
  postgres: `SELECT k.key, c.article_id FROM unnest(?::bigint[]) AS k (key)
               CROSS JOIN LATERAL (SELECT article_id FROM article_copy_keys WHERE key = k.key ORDER BY article_id LIMIT ?) AS c
             ORDER BY k.key, c.article_id`,
  // Each key's lowest carrier, then the next above it while fewer than ?2: one primary-key search per row returned.
  // The first is taken only when ?2 asks for any, as LIMIT 0 takes none.
  sqlite: `WITH RECURSIVE carriers (key, article_id, rank) AS (
             SELECT value, (SELECT min(article_id) FROM article_copy_keys WHERE key = value), 1 FROM json_each(?1) WHERE ?2 > 0
             UNION ALL
             SELECT key, (SELECT min(c.article_id) FROM article_copy_keys AS c WHERE c.key = carriers.key AND c.article_id > carriers.article_id),
               rank + 1
             FROM carriers WHERE rank < ?2 AND article_id IS NOT NULL)
           SELECT key, article_id FROM carriers WHERE article_id IS NOT NULL ORDER BY key, article_id`,
};

/**
 * The lowest `perKey` (0 or more) article ids carrying each of `keys` (near-copy keys, repeats allowed), ascending,
 * by key; keys nobody carries are absent, and so is every key when perKey is 0. Throws what the engine throws. The
 * lowest n of a union of keys lie in the union of each key's lowest n, so this answers copyCandidates for any subset
 * of the keys. Each key is read by its (key, article_id) primary key, at most perKey rows of it: a key
 * that thousands share (one outlet's boilerplate summary) costs perKey rows, not thousands. The one query we had
 * numbered every carrier of each key (row_number() OVER (PARTITION BY key)) and kept the first perKey: on
 * bench/cluster's 50,000-article stream, where a few keys are shared by 4,000 to 18,000 articles, saving 60 feeds'
 * 500 new items spent 1.4 s in it (22 ms a feed).
 * One statement either way (PostgreSQL: LATERAL; SQLite, which has none: a recursive walk of the primary key). On
 * SQLite, one statement per key took 8 % more CPU in bench/ingest's first run than the query we had: 300,000 calls.
 */
export async function keyCarriers(store: Store, keys: readonly number[], perKey: number): Promise<Map<number, number[]>> {
  const q = sqlOf(store);
  const carriers = new Map<number, number[]>();
  const distinct = [...new Set(keys)];
  if (distinct.length === 0) return carriers;
  for (const row of await q.all<{ key: number; article_id: number }>(keyCarriersSql[q.dialect], [distinct, perKey])) {
    const ids = carriers.get(row.key);
    if (ids) ids.push(row.article_id);
    else carriers.set(row.key, [row.article_id]);
  }
  return carriers;
}

/** One item as the look-ups see it: its guid, its link, the link when no other item of the fetch shares it, its words' hash. */
export interface LookedUpItem {
  guid: string;
  url: string | null;
  distinctUrl: string | null;
  hash: string;
}

export class FeedLookups {
  /** guid → article id, for this feed's guids of this fetch (article_sources). */
  readonly #sources = new Map<string, number>();
  /** canonical URL → article id, for the URLs of this fetch (articles.canonical_url, unique). */
  readonly #byUrl = new Map<string, number>();
  /** content hash → ids of this feed's articles with it, for the hashes of this fetch. */
  readonly #byHash = new Map<string, number[]>();
  /** near-copy key → lowest carriers (at least COPY_CANDIDATES of them when there are that many), ascending. */
  readonly #carriers = new Map<number, number[]>();
  #keysStale = false;
  readonly feedId: number;

  private constructor(feedId: number) {
    this.feedId = feedId;
  }

  /**
   * Reads what the save of `items` from feedId will look up: guids, URLs and content hashes of the fetch, and the
   * near-copy keys of the items not found by those (`keysOf`, called only for them). Four queries whatever the count;
   * call it inside the save's transaction. Throws what the engine throws.
   */
  static async read(store: Store, feedId: number, items: readonly LookedUpItem[], keysOf: (index: number) => readonly number[]): Promise<FeedLookups> {
    const q = sqlOf(store);
    const lookups = new FeedLookups(feedId);
    const guids = items.map((item) => item.guid);
    const urls = [...new Set(items.flatMap((item) => (item.url ? [item.url] : [])))];
    const hashes = [...new Set(items.map((item) => item.hash))];
    for (const row of await q.all<{ guid: string; article_id: number }>(
      'SELECT guid, article_id FROM article_sources WHERE feed_id = ? AND guid IN (SELECT value FROM json_each(?))', [feedId, guids])) {
      lookups.#sources.set(row.guid, row.article_id);
    }
    if (urls.length > 0) {
      for (const row of await q.all<{ id: number; canonical_url: string }>(
        'SELECT id, canonical_url FROM articles WHERE canonical_url IN (SELECT value FROM json_each(?))', [urls])) {
        lookups.#byUrl.set(row.canonical_url, row.id);
      }
    }
    for (const row of await q.all<{ id: number; content_hash: string }>(
      'SELECT id, content_hash FROM articles WHERE feed_id = ? AND content_hash IN (SELECT value FROM json_each(?)) ORDER BY id', [feedId, hashes])) {
      lookups.#listed(lookups.#byHash, row.content_hash).push(row.id);
    }
    const keys = new Set<number>();
    items.forEach((item, index) => {
      // Found already, so never stored as new (nothing the save writes takes an answer away).
      if (lookups.#sources.has(item.guid) || (item.distinctUrl && lookups.#byUrl.has(item.distinctUrl)) || lookups.#byHash.has(item.hash)) return;
      for (const key of keysOf(index)) keys.add(key);
    });
    for (const [key, ids] of await keyCarriers(store, [...keys], COPY_CANDIDATES)) lookups.#carriers.set(key, ids);
    return lookups;
  }

  /** The article this feed carried under guid (SELECT article_id FROM article_sources WHERE feed_id = ? AND guid = ?). */
  bySource(guid: string): number | undefined {
    return this.#sources.get(guid);
  }

  /** The article whose canonical URL is url (SELECT id FROM articles WHERE canonical_url = ?). */
  byUrl(url: string): number | undefined {
    return this.#byUrl.get(url);
  }

  /** This feed's first article with these words (… WHERE feed_id = ? AND content_hash = ? ORDER BY id LIMIT 1). */
  byHash(hash: string): number | undefined {
    const ids = this.#byHash.get(hash);
    return ids && ids.length > 0 ? Math.min(...ids) : undefined;
  }

  /**
   * The ids copyCandidates(keys) would find, lowest first, at most COPY_CANDIDATES; null once the keys are stale
   * (an article's keys were replaced in this save): then ask the store.
   */
  copyCandidateIds(keys: readonly number[]): number[] | null {
    if (this.#keysStale) return null;
    const ids = new Set<number>();
    for (const key of keys) for (const id of this.#carriers.get(key) ?? []) ids.add(id);
    return [...ids].sort((a, b) => a - b).slice(0, COPY_CANDIDATES);
  }

  /** A new article was stored: its source (if the guid was free), its canonical URL, its words and its keys. */
  added(id: number, guid: string, canonicalUrl: string | null, hash: string, keys: readonly number[]): void {
    this.sourceAdded(guid, id);
    if (canonicalUrl !== null) this.#byUrl.set(canonicalUrl, id);
    this.#listed(this.#byHash, hash).push(id);
    // New ids are above every stored one, so appending keeps each list ascending. Every key of a new article was read.
    for (const key of keys) this.#listed(this.#carriers, key).push(id);
  }

  /** INSERT INTO article_sources … ON CONFLICT DO NOTHING: a guid already carried keeps its article. */
  sourceAdded(guid: string, id: number): void {
    if (!this.#sources.has(guid)) this.#sources.set(guid, id);
  }

  /**
   * An article took new words (and new keys) from this feed, which owns it from now on (articles.ts ArticleOwners may
   * hand it over): it leaves its old hash's list if `feedId`, its owner before, was this feed, and joins the new one's.
   */
  rewritten(id: number, feedId: number, oldHash: string, newHash: string): void {
    this.#keysStale = true;
    if (feedId === this.feedId) {
      const old = this.#byHash.get(oldHash) ?? [];
      if (old.includes(id)) old.splice(old.indexOf(id), 1);
    }
    this.#listed(this.#byHash, newHash).push(id);
  }

  #listed<K>(map: Map<K, number[]>, key: K): number[] {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  }
}
