// Opens the search index in the reader's browser: the primary shard's pagefind.js with every other shard merged in
// (search-shards.ts), and search that survives a shard it cannot load. Pagefind 1.6 keeps a mergeIndex that failed
// (its pagefind-entry.json or metadata missing or unreadable) among its indexes, and every later search throws that
// failure, so one missing shard would end all search. So a failed merge is never kept: Pagefind is opened again
// (destroy, then the same calls) without it. Before that, the page asks the site for its current list of shards, since
// the likeliest cause is a page older than the site (kept open, or cached, across a build that moved a week's stories).
// A healthy index costs nothing more than before; a failed shard costs one request for the search page and one more
// opening of Pagefind, whose WebAssembly and metadata the browser has just fetched.

/** What pagefind.js exports, as far as the search page uses it (Pagefind 1.6; https://pagefind.app/docs/api/). */
export interface PagefindModule {
  options(options: PagefindOptions): Promise<void>;
  init(): Promise<void>;
  mergeIndex(bundlePath: string, options: PagefindOptions): Promise<void>;
  search(term: string): Promise<{ results: PagefindResult[] } | null>;
  destroy(): Promise<void>;
}
export interface PagefindOptions { baseUrl: string; ranking: { pageLength: number } }
export interface PagefindResult { id: string; score: number; data(): Promise<PagefindData> }
export interface PagefindData {
  url: string;
  raw_content?: string;
  content: string;
  excerpt: string;
  locations: number[];
  meta: Record<string, string | undefined>;
}

/** A site's search shards as the search page lists them (search.astro): folder URLs, each ending in "/". */
export interface ShardList {
  /** The primary shard: its pagefind.js, WebAssembly and index. */
  bundle: string;
  /** The other shards, merged into every search. */
  merged: string[];
  /**
   * The version of the index (data-index: build-inputs.ts searchIndexVersion), which changes whenever any shard's
   * content can; absent from a page built without it (Astro's dev server, a site built before it existed).
   */
  version?: string;
}

/** An open search index, and the shards it had to leave out (folder URLs; empty when every shard loaded). */
export interface OpenIndex {
  pagefind: PagefindModule;
  missing: string[];
  /** The list it was opened from: the page's, or the site's current one if that differed (missing shards included). */
  shards: ShardList;
}

/**
 * Opens Pagefind over the shards listed (the page's own list). A merged shard that fails to load is left out: first
 * currentShards() is asked for the site's list now (null when it cannot say), and if that differs from the page's it
 * is used instead, else the failed shards are dropped; each further shard that fails is dropped in turn. Resolves with
 * the open index, the shards left out and the list it was opened from. Rejects when pagefind.js or the primary shard
 * cannot be loaded (without the primary there is no search at all); Pagefind is left closed, so a later call tries
 * again from the start.
 */
export async function openSearchIndex(listed: ShardList, options: PagefindOptions,
  currentShards: () => Promise<ShardList | null>): Promise<OpenIndex> {
  let shards = listed;
  let opened = await openShards(shards, options);
  if (opened.failed.length === 0) return { pagefind: opened.pagefind, missing: [], shards: listed };
  const missing: string[] = [];
  const current = await currentShards();
  let from = listed;
  if (current && !sameShards(current, shards)) {
    shards = from = current;
  } else {
    missing.push(...opened.failed);
    shards = without(shards, opened.failed);
  }
  // Ends: every round either opens every shard it merges or drops at least one of them.
  for (;;) {
    await opened.pagefind.destroy();
    opened = await openShards(shards, options);
    if (opened.failed.length === 0) return { pagefind: opened.pagefind, missing, shards: from };
    missing.push(...opened.failed);
    shards = without(shards, opened.failed);
  }
}

function without(shards: ShardList, failed: readonly string[]): ShardList {
  return { bundle: shards.bundle, merged: shards.merged.filter((path) => !failed.includes(path)) };
}

/**
 * Pagefind from shards.bundle with every shard of shards.merged merged in; resolves with the merged shards that failed
 * to load (Pagefind still holds them: destroy it and open again without them). Rejects if the primary fails.
 */
async function openShards(shards: ShardList, options: PagefindOptions): Promise<{ pagefind: PagefindModule; failed: string[] }> {
  const pagefind = await import(/* @vite-ignore */ `${shards.bundle}pagefind.js`) as PagefindModule;
  await pagefind.options(options);
  await pagefind.init();
  // mergeIndex waits for the primary's WebAssembly without end when the primary fails, so the primary is waited for
  // on its own: options() once Pagefind is started sets the ranking on the primary alone, which waits for its index to
  // load and rejects with the primary's error.
  const primary = pagefind.options(options);
  // mergeIndex records each index in call order before it awaits, so merging all at once keeps the list's order.
  const merges = Promise.allSettled(shards.merged.map((path) => pagefind.mergeIndex(path, options)));
  try {
    await primary;
  } catch (error) {
    // Pagefind keeps its failed primary too: a later attempt (the upload finished, the network is back) starts afresh.
    await pagefind.destroy();
    throw error;
  }
  const failed = (await merges).flatMap((merge, index) => (merge.status === 'rejected' ? [shards.merged[index]!] : []));
  return { pagefind, failed };
}

/** Whether two lists name the same index: the same shards and the same version (or neither has one). */
export function sameIndex(a: ShardList, b: ShardList): boolean {
  return sameShards(a, b) && a.version === b.version;
}

function sameShards(a: ShardList, b: ShardList): boolean {
  return a.bundle === b.bundle && a.merged.length === b.merged.length && a.merged.every((path, index) => path === b.merged[index]);
}

/**
 * The shards the search page at pageUrl lists now (its #search element's data-bundle, data-merged and data-index),
 * fetched past the browser's cache; null when the page cannot be fetched or does not list them. The page is always
 * rendered, so its list is the site's; only those attributes are read, and the page's HTML never enters this page.
 */
export async function fetchShardList(pageUrl: string): Promise<ShardList | null> {
  try {
    const response = await fetch(pageUrl, { cache: 'no-cache' });
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    return shardListOf(page.getElementById('search'));
  } catch {
    return null;
  }
}

/**
 * The shard list of the search element (data-bundle, data-merged: a JSON array of strings, data-index: the version), or
 * null if it has none.
 */
export function shardListOf(element: HTMLElement | null): ShardList | null {
  const bundle = element?.dataset['bundle'];
  if (!bundle) return null;
  try {
    const merged: unknown = JSON.parse(element.dataset['merged'] ?? '[]');
    if (!Array.isArray(merged) || !merged.every((path) => typeof path === 'string')) return null;
    const version = element.dataset['index'];
    return version ? { bundle, merged, version } : { bundle, merged };
  } catch {
    return null;
  }
}
