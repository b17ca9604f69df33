// The articles table: one row per distinct article, with every (feed, guid) that carried it.
import type { Article, CopyCandidate, CopyJudge, SaveCounts } from '../model/article.ts';
export type { Article, CopyCandidate, CopyJudge, SaveCounts } from '../model/article.ts';
import { createHash } from 'node:crypto';
import type { FeedItem } from '../model/feed-item.ts';
import type { Store } from './store.ts';
import { fromJson, toJson } from './store.ts';
import { sqlOf } from './connection.ts';
import { COPY_CANDIDATES, FeedLookups, keyCarriers } from './article-lookups.ts';
import { registrableDomain } from '../model/domain.ts';

/** Identity of an article's words: when it changes, the article is re-embedded. */
export function contentHash(title: string, summary: string): string {
  return createHash('sha256').update(`${title}\n${summary}`).digest('hex').slice(0, 32);
}

// `text_fingerprint` (migration 1) is written empty: nothing has read it since near-copy keys replaced it (migration 3
// dropped its index), and hashing every new article's words for it cost about 0.7 s of bench/ingest's first run. The
// column stays rather than being dropped by a migration, so that an older Wirefold still running against the same
// store (an ingest worker on a shared PostgreSQL, a scheduled run mid-upgrade) can go on inserting articles.

/**
 * Whose words an article shows when several feeds carry its URL: the feed that first carried it (articles.feed_id),
 * until its publisher's feed carries it too, or that first feed is off the source list. Another feed's words for the
 * same URL used to rewrite the article on every fetch of either: an aggregator's "Comments" and the outlet's summary
 * took turns, re-embedding the article each run and moving its story's feed entries as if revised; keeping the first
 * feed's words for good left an aggregator's "Comments" on the site when the aggregator was first. The publisher: a
 * feed whose site (or own address) has the registrable domain of the article's link, as outlets are told apart
 * (site/outlets.ts). Reads each feed once per save.
 */
class ArticleOwners {
  readonly #store: Store;
  readonly #feedId: number;
  readonly #feeds = new Map<number, { domains: (string | null)[]; active: boolean }>();

  constructor(store: Store, feedId: number) {
    this.#store = store;
    this.#feedId = feedId;
  }

  /** True when this save's feed may take over an article `owner` carried first, whose link is `url`. */
  async mayTakeOver(owner: number, url: string | null): Promise<boolean> {
    const first = await this.#feed(owner);
    if (!first.active) return true;
    const domain = registrableDomain(url);
    const publishes = (feed: { domains: (string | null)[] }) => domain !== null && feed.domains.includes(domain);
    return publishes(await this.#feed(this.#feedId)) && !publishes(first);
  }

  async #feed(id: number): Promise<{ domains: (string | null)[]; active: boolean }> {
    let found = this.#feeds.get(id);
    if (!found) {
      const row = await sqlOf(this.#store).get<{ url: string; site_url: string | null; status: string }>('SELECT url, site_url, status FROM feeds WHERE id = ?', [id]);
      found = { domains: row ? [registrableDomain(row.site_url), registrableDomain(row.url)] : [], active: row?.status === 'active' };
      this.#feeds.set(id, found);
    }
    return found;
  }
}

/**
 * Stores what one feed served: new items become articles, changed ones are updated, known ones cost nothing. `judge`
 * (ingest's near-copy rule) marks a new article from another outlet that repeats a stored one as its copy.
 * One transaction; throws what the engine throws (nothing of it lands then).
 */
export async function saveFeedItems<S>(store: Store, feedId: number, items: readonly FeedItem[], now: string, judge: CopyJudge<S>): Promise<SaveCounts> {
  const q = sqlOf(store);
  const counts: SaveCounts = { added: 0, updated: 0, unchanged: 0 };

  // A link several items of this one fetch share (a home page, a section page) tells none of them apart: matching on
  // it would merge them into one article, rewritten with each one's words in turn on every fetch.
  const urlUses = new Map<string, number>();
  for (const item of items) if (item.url) urlUses.set(item.url, (urlUses.get(item.url) ?? 0) + 1);

  const hashes = items.map((item) => contentHash(item.title, item.summary));
  const distinctUrls = items.map((item) => (item.url && urlUses.get(item.url) === 1 ? item.url : null));
  // Sketched once per item, when first asked for: by the look-ups (items not found by guid, link or words) or below.
  const sketches: (S | undefined)[] = [];
  const sketchOf = (index: number): S => (sketches[index] ??= judge.sketch(items[index]!.title, items[index]!.summary));

  const owners = new ArticleOwners(store, feedId);
  await store.transaction(async () => {
    const lookups = await FeedLookups.read(store, feedId,
      items.map((item, index) => ({ guid: item.guid, url: item.url, distinctUrl: distinctUrls[index]!, hash: hashes[index]! })),
      (index) => judge.keys(sketchOf(index)));
    for (const [index, item] of items.entries()) {
      const hash = hashes[index]!;
      const distinctUrl = distinctUrls[index]!;
      // Within a feed: the guid first, then the canonical URL, then the words themselves (the (feed_id, content_hash)
      // index of migration 6 answers the look-ups' read; see article-lookups.ts).
      const known = lookups.bySource(item.guid) ?? (distinctUrl ? lookups.byUrl(distinctUrl) : undefined) ?? lookups.byHash(hash);

      if (known !== undefined) {
        // A guid already carried needs no INSERT … ON CONFLICT DO NOTHING: it would change nothing.
        if (lookups.bySource(item.guid) === undefined) {
          await q.run('INSERT INTO article_sources (feed_id, guid, article_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [feedId, item.guid, known]);
          lookups.sourceAdded(item.guid, known);
        }
        const stored = (await q.get<{ content_hash: string; date_flag: string | null; feed_id: number }>(
          'SELECT content_hash, date_flag, feed_id FROM articles WHERE id = ?', [known]))!;
        if (stored.content_hash === hash && stored.date_flag === 'undated' && item.dateFlag === null && item.published) {
          // An item kept off the stories for want of a date now carries one of its own: it takes its place in time.
          await q.run('UPDATE articles SET published_at = ?, date_flag = NULL, updated_at = ? WHERE id = ?', [item.published, now, known]);
          counts.updated++;
        } else if (stored.content_hash === hash || (stored.feed_id !== feedId && !await owners.mayTakeOver(stored.feed_id, item.url))) {
          // Another feed's item for the same URL adds a source, not its words (see ArticleOwners).
          counts.unchanged++;
        } else {
          // New words: a new content hash, which has no embedding yet, so the embed stage picks the article up again.
          // From another feed, only the article's publisher or its carrier once its first feed is gone: it takes the
          // article over, so that the words it gave are not undone by the feed it took them from.
          await q.run(
            `UPDATE articles SET feed_id = ?, title = ?, summary = ?, content_html = ?, author = ?, image = ?, categories = ?,
               published_at = coalesce(?, published_at), updated_at = ?, content_hash = ?, text_fingerprint = ''
             WHERE id = ?`,
            [feedId, item.title, item.summary, item.contentHtml, item.author, item.image, toJson(item.categories),
              item.published, now, hash, known]);
          await saveCopyKeys(store, known, judge.keys(sketchOf(index)), true);
          lookups.rewritten(known, stored.feed_id, stored.content_hash, hash);
          // Its story's profile holds the old words and vector; the next cluster run rebuilds it from the members.
          await q.run('DELETE FROM story_profiles WHERE story_id IN (SELECT story_id FROM story_articles WHERE article_id = ?)', [known]);
          counts.updated++;
        }
        continue;
      }

      const sketch = sketchOf(index);
      const keys = judge.keys(sketch);
      const original = await findOriginal(store, feedId, sketch, keys, judge, lookups.copyCandidateIds(keys));
      // canonical_url is unique: of the items sharing one link, the first stored keeps it and the others go without
      // (their original_url still holds the link the feed gave).
      const canonical = item.url && (distinctUrl || lookups.byUrl(item.url) === undefined) ? item.url : null;
      const row = (await q.get<{ id: number }>(
        `INSERT INTO articles (feed_id, canonical_url, original_url, title, summary, content_html, author, image, categories,
           published_at, date_flag, first_seen_at, updated_at, content_hash, text_fingerprint, copy_of)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?) RETURNING id`,
        [feedId, canonical, item.originalUrl, item.title, item.summary, item.contentHtml, item.author,
          item.image, toJson(item.categories), item.published ?? now, item.dateFlag, now, now, hash, original]))!;
      await q.run('INSERT INTO article_sources (feed_id, guid, article_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [feedId, item.guid, row.id]);
      await saveCopyKeys(store, row.id, keys, false);
      lookups.added(row.id, item.guid, canonical, hash, keys);
      counts.added++;
    }
  });
  return counts;
}

/**
 * Stored articles sharing any of `keys`, lowest ids first, at most `limit`: the candidates a near-copy judge
 * confirms or rejects. The lowest `limit` carriers of each key (keyCarriers), then one query for the candidates' words.
 */
export async function copyCandidates(store: Store, keys: readonly number[], limit = COPY_CANDIDATES): Promise<CopyCandidate[]> {
  if (keys.length === 0) return [];
  const ids = new Set([...(await keyCarriers(store, keys, limit)).values()].flat());
  return candidatesByIds(store, [...ids].sort((a, b) => a - b).slice(0, limit));
}

/** The candidates' words, by id, lowest first. */
async function candidatesByIds(store: Store, ids: readonly number[]): Promise<CopyCandidate[]> {
  if (ids.length === 0) return [];
  const q = sqlOf(store);
  const rows = await q.all<{ id: number; feed_id: number; title: string; summary: string; copy_of: number | null }>(
    'SELECT id, feed_id, title, summary, copy_of FROM articles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id', [ids]);
  return rows.map((row) => ({ id: row.id, feedId: row.feed_id, title: row.title, summary: row.summary, copyOf: row.copy_of }));
}

/**
 * The article a new one from feedId is a near copy of, from another outlet: the first of the chain (an original is
 * never itself a copy), or null. The first few carriers are enough: an original has the lowest id of its copies, and
 * a key shared by hundreds (one outlet's boilerplate summary) must not cost hundreds of look-ups per new article.
 */
async function findOriginal<S>(store: Store, feedId: number, sketch: S, keys: readonly number[], judge: CopyJudge<S>,
  knownIds: readonly number[] | null): Promise<number | null> {
  let original: number | null = null;
  const candidates = knownIds === null ? await copyCandidates(store, keys) : await candidatesByIds(store, knownIds);
  for (const candidate of candidates) {
    const first = candidate.copyOf ?? candidate.id;
    if (candidate.feedId === feedId || (original !== null && first >= original)) continue;
    if (judge.isCopy(sketch, judge.sketch(candidate.title, candidate.summary))) original = first;
  }
  return original;
}

/** Replaces an article's near-copy keys; key 0 alone marks "looked at, too short to compare". */
async function saveCopyKeys(store: Store, articleId: number, keys: readonly number[], replace: boolean): Promise<void> {
  const q = sqlOf(store);
  if (replace) await q.run('DELETE FROM article_copy_keys WHERE article_id = ?', [articleId]);
  // One statement for all of them: on PostgreSQL every statement is a round trip to the server, and one per key (six
  // per new article) was half of the statements a first ingest sent (bench/scale-out). Nearly every article has the
  // same number of keys, so the few texts this makes are each prepared once per connection.
  const rows = keys.length > 0 ? keys : [0];
  await q.run(`INSERT INTO article_copy_keys (key, article_id) VALUES ${rows.map(() => '(?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
    rows.flatMap((key) => [key, articleId]));
}

/**
 * Keys the articles stored before near-copy keys existed (they have the lowest ids, below every keyed article), so
 * new copies of them are found too. After that one pass this is a single index look-up. Returns how many were keyed.
 */
export async function keyUnkeyedArticles<S>(store: Store, judge: CopyJudge<S>): Promise<number> {
  const q = sqlOf(store);
  const lowest = (await q.get<{ id: number | null }>('SELECT min(article_id) AS id FROM article_copy_keys'))?.id ?? null;
  const rows = await q.all<{ id: number; title: string; summary: string }>('SELECT id, title, summary FROM articles WHERE id < ? ORDER BY id',
    [lowest ?? Number.MAX_SAFE_INTEGER]);
  if (rows.length === 0) return 0;
  await store.transaction(async () => {
    for (const row of rows) await saveCopyKeys(store, row.id, judge.keys(judge.sketch(row.title, row.summary)), false);
  });
  return rows.length;
}

interface ArticleRow {
  id: number;
  feed_id: number;
  source: string | null;
  feed_url: string;
  canonical_url: string | null;
  original_url: string | null;
  title: string;
  summary: string;
  content_html: string;
  author: string | null;
  image: string | null;
  categories: string;
  published_at: string;
  date_flag: string | null;
  first_seen_at: string;
  content_hash: string;
  copy_of: number | null;
}

export const articleColumns = `a.id, a.feed_id, f.title AS source, f.url AS feed_url, a.canonical_url, a.original_url, a.title,
  a.summary, a.content_html, a.author, a.image, a.categories, a.published_at, a.date_flag, a.first_seen_at,
  a.content_hash, a.copy_of`;

export function toArticle(row: ArticleRow): Article {
  return {
    id: row.id,
    feedId: row.feed_id,
    source: row.source ?? new URL(row.feed_url).hostname,
    canonicalUrl: row.canonical_url,
    originalUrl: row.original_url,
    title: row.title,
    summary: row.summary,
    contentHtml: row.content_html,
    author: row.author,
    image: row.image,
    categories: fromJson<string[]>(row.categories, []),
    publishedAt: row.published_at,
    dateFlag: row.date_flag,
    firstSeenAt: row.first_seen_at,
    contentHash: row.content_hash,
    copyOf: row.copy_of,
  };
}

export async function getArticles(store: Store, ids: readonly number[]): Promise<Article[]> {
  if (ids.length === 0) return [];
  const rows = await sqlOf(store).all<ArticleRow>(`SELECT ${articleColumns} FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.published_at, a.id`, [ids]);
  return rows.map(toArticle);
}

/**
 * Articles not yet placed in any story, oldest first: the clusterer's input. Articles flagged 'undated' are left out:
 * their stored date is only when a feed's back catalogue was first read, so in a story they would make it look new.
 */
export async function unclusteredArticles(store: Store): Promise<Article[]> {
  const rows = await sqlOf(store).all<ArticleRow>(`SELECT ${articleColumns} FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE a.id NOT IN (SELECT article_id FROM story_articles) AND (a.date_flag IS NULL OR a.date_flag <> 'undated')
              ORDER BY a.published_at, a.id`);
  return rows.map(toArticle);
}

export async function countArticles(store: Store): Promise<number> {
  return (await sqlOf(store).get<{ n: number }>('SELECT count(*) AS n FROM articles'))!.n;
}

/** Articles marked as near copies of another outlet's article. */
export async function countNearCopies(store: Store): Promise<number> {
  return (await sqlOf(store).get<{ n: number }>('SELECT count(*) AS n FROM articles WHERE copy_of IS NOT NULL'))!.n;
}
