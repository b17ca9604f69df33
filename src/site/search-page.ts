// The search page's result list, in the reader's browser, over Pagefind's JavaScript API (search and each result's
// data(); search-open.ts opens the index, shards it cannot load left out). Pagefind's own UI shows every result Pagefind returns; with the index
// in shards that includes the weak matches of its prefix backtracking, so this list shows only real matches
// (search-match.ts) and keeps what the UI gave readers: a labelled search box that searches as one types and on Enter,
// ?q= in the address (read on load, kept up to date, so a search can be shared or reloaded), results with title,
// picture and an excerpt with the matched words marked, a "no results" line, and a button for more.
import { webUrl } from './safe-url.ts';
import { excerptRuns, isRealMatch, queryWords, wordsAt } from './search-match.ts';
import { fetchShardList, openSearchIndex, sameIndex, shardListOf } from './search-open.ts';
import type { OpenIndex, PagefindData, PagefindOptions, PagefindResult, ShardList } from './search-open.ts';

/** The page's configuration, from data- attributes on the search element (search.astro). */
interface SearchConfig {
  /** The site's base path, for result URLs ("/", "/news/"). */
  base: string;
  /** The site's search shards as this page was built with them. */
  shards: ShardList;
  /** How long an open index is searched before a search asks the site whether it changed (data-recheck-seconds). */
  recheckMs: number;
}

// Results are checked (search-match.ts needs each one's data(): a fragment fetch, cached by Pagefind) and shown this
// many at a time, as Pagefind's UI showed five and its "Load more" five more; ten fill a screen of one-line results.
const pageSize = 10;
const typingPauseMs = 300;

/**
 * Starts the search page: the form #search-form with its input, the status line #search-status, the list
 * #search-results, the button #search-more and the line #search-notice (search.astro). Reads the configuration from
 * #search's data-base, data-bundle and data-merged (JSON array). A shard that cannot be loaded (search-open.ts), or a
 * result whose data cannot be, shows #search-notice and search goes on with the rest; a failure to load Pagefind or its
 * primary shard shows one line in the status and leaves the box. On a site with no story and no topic (data-empty) it
 * only says there is nothing to search yet.
 */
export function startSearchPage(): void {
  const root = document.getElementById('search')!;
  const config: SearchConfig = {
    base: root.dataset['base'] ?? '/',
    shards: shardListOf(root) ?? { bundle: '/pagefind/', merged: [] },
    recheckMs: recheckSeconds(root.dataset['recheckSeconds']) * 1000,
  };
  const form = root.querySelector('form')!;
  const input = root.querySelector('input')!;
  const status = document.getElementById('search-status')!;
  const list = document.getElementById('search-results') as HTMLOListElement;
  const more = document.getElementById('search-more') as HTMLButtonElement;
  const notice = document.getElementById('search-notice')!;
  // A site with nothing in it has nothing to index (search.astro data-empty): no index to open, and no error to show.
  if (root.dataset['empty'] !== undefined) {
    status.textContent = 'There is nothing to search yet: the site has no stories.';
    input.disabled = true;
    return;
  }
  // The notice is a live region: its text is set as it is shown, so a screen reader announces it.
  const partial = () => {
    if (!notice.hidden) return;
    const text = notice.textContent ?? '';
    notice.hidden = false;
    notice.textContent = text;
  };

  let index: Promise<OpenIndex> | null = null;
  // When the open index was last known to be the site's: when it was opened, or when the site last said so. A page
  // the browser took from its cache (a tab restored, back to an old page) may be older than the site from the start.
  let confirmedAt = 0;
  let pageMayBeOld = servedFromCache();
  // A page restored from the back/forward cache keeps its open index, however long it was away: the next search asks.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) pageMayBeOld = true;
  });
  // An index that could not be opened is tried again at the next search (a reader searching again expects a retry).
  const loadIndex = () => {
    if (index) return index;
    confirmedAt = performance.now();
    return (index = openIndex(config, partial).catch((error: unknown) => {
      index = null;
      throw error;
    }));
  };
  let recheck: Promise<void> | null = null;
  // A page left open (or restored with its tab) across a build keeps the index it opened: Pagefind does not look again,
  // so a new week's shard, or a shard indexed again under its name (new stories in the newest week), is never searched.
  // So a search on an index older than recheckMs first asks the site for its search page's list and version (one
  // request of a few KB, past the browser's cache) and opens the index again when either differs. A fresh index costs
  // nothing, and the site is asked at most once per recheckMs, whatever the answer. Checked as a search starts rather
  // than on a timer, so a page left in a background tab asks nothing.
  const recheckIndex = () => (recheck ??= (async () => {
    const opened = index;
    if (!opened || (!pageMayBeOld && performance.now() - confirmedAt < config.recheckMs)) return;
    pageMayBeOld = false;
    confirmedAt = performance.now();
    const current = await fetchShardList(location.pathname);
    const open = await opened.catch(() => null);
    // Unanswered (offline, an error page): search goes on with the index it has.
    if (!current || !open || index !== opened || sameIndex(current, open.shards)) return;
    config.shards = current;
    index = null;
    notice.hidden = true;
    await open.pagefind.destroy();
  })().finally(() => { recheck = null; }));
  let current: ResultList | null = null;
  let generation = 0;

  async function run(query: string): Promise<void> {
    const mine = ++generation;
    // The shown list is done with: "More results" adds nothing to it now, since this search may open the index again
    // (recheckIndex), after which the old list's results cannot load their data (Pagefind: "Worker not initialized").
    current = null;
    keepQueryInAddress(query);
    const words = queryWords(query);
    if (words.length === 0) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = '';
      return;
    }
    try {
      await recheckIndex();
      if (mine !== generation) return;
      const found = await (await loadIndex()).pagefind.search(query);
      if (mine !== generation || !found) return;
      // Only this search's own missing data says that part of the index is missing, not a list a newer search replaced.
      current = new ResultList(query.trim(), found.results, words, () => { if (mine === generation) partial(); });
      list.replaceChildren();
      await showMore(mine, current);
    } catch (error) {
      if (mine !== generation) return;
      // The list shown is an earlier search's, or from an index the site has replaced: under "unavailable" it would read
      // as this search's answer, so it goes (a retry shows a fresh one).
      list.replaceChildren();
      unavailable(error);
    }
  }

  async function showMore(mine: number, results: ResultList): Promise<void> {
    more.disabled = true;
    const next = await results.next(pageSize);
    if (mine !== generation) return;
    list.append(...next.map(resultItem));
    more.hidden = !results.hasMore();
    more.disabled = false;
    const count = list.childElementCount;
    const phrase = `“${results.query}”`;
    status.textContent = count === 0 ? `No results for ${phrase}`
      : results.hasMore() ? `Showing the first ${count} results for ${phrase}`
      : `${count} ${count === 1 ? 'result' : 'results'} for ${phrase}`;
  }

  // Readers get a sentence they can act on; the browser's own error (a URL, "Failed to fetch dynamically imported
  // module") goes to the console for whoever runs the site.
  function unavailable(error: unknown): void {
    console.error('wirefold search:', error);
    status.textContent = 'Search is unavailable right now; try again in a moment.';
    more.hidden = true;
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(input.value), typingPauseMs);
  });
  // Enter searches at once (and the page works as a plain GET form before this script has loaded).
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void run(input.value);
  });
  more.addEventListener('click', () => {
    const mine = generation;
    if (!current) return;
    const firstNew = list.childElementCount;
    showMore(mine, current).then(() => {
      // The button is disabled while it loads, which takes the focus from it (a keyboard reader was left on the page's
      // body, back at its top): the focus goes to the first result it added, else back to the button.
      if (mine !== generation) return;
      const link = list.children[firstNew]?.querySelector('a');
      if (link) link.focus();
      else if (!more.hidden) more.focus();
    }).catch((error: unknown) => { if (mine === generation) unavailable(error); });
  });
  // Loading Pagefind's WebAssembly and every shard's metadata takes a moment: start when the reader arrives.
  loadIndex().catch(unavailable);
  const query = new URLSearchParams(location.search).get('q');
  if (query) {
    input.value = query;
    void run(query);
  }
}

/**
 * Pagefind with every shard that loads merged in, each with the same result URLs (the site's base) and ranking; calls
 * partial() when a shard had to be left out. A stale page asks this very page, fetched again, for the site's shards.
 */
async function openIndex(config: SearchConfig, partial: () => void): Promise<OpenIndex> {
  // A story page is one line per article, so a longer page means wider coverage, not padding: page length must not
  // count against it (Pagefind's default does), or the 9-article story ranks below every one-article mention.
  const options: PagefindOptions = { baseUrl: config.base, ranking: { pageLength: 0 } };
  const opened = await openSearchIndex(config.shards, options, () => fetchShardList(location.pathname));
  if (opened.missing.length > 0) partial();
  return opened;
}

/** Whether this page's HTML came from the browser's cache without asking the site (a navigation of 0 bytes transferred). */
function servedFromCache(): boolean {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return navigation?.transferSize === 0;
}

/**
 * The page's data-recheck-seconds (search.astro) as a number of seconds: how long an open index is searched before the
 * site is asked whether it changed. 300 when absent or not a number ≥ 0 (a test sets 0: ask before every search).
 */
function recheckSeconds(attribute: string | undefined): number {
  const seconds = attribute === undefined || attribute.trim() === '' ? Number.NaN : Number(attribute);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 300;
}

/** One search's results in Pagefind's order (score, all shards ranked together), checked a few at a time. */
class ResultList {
  /** The query as the reader typed it, for the status line. */
  readonly query: string;
  private checked = 0;
  private readonly kept: PagefindData[] = [];
  private shown = 0;
  private readonly results: readonly PagefindResult[];
  private readonly words: readonly string[];
  private readonly partial: () => void;

  /** partial is called when a result's data cannot be loaded (its shard's fragment file missing): it is left out. */
  constructor(query: string, results: readonly PagefindResult[], words: readonly string[], partial: () => void) {
    this.query = query;
    this.results = results;
    this.words = words;
    this.partial = partial;
  }

  /** The next count real matches (fewer at the end), checking as many of Pagefind's results as that takes. */
  async next(count: number): Promise<PagefindData[]> {
    while (this.kept.length < this.shown + count && this.checked < this.results.length) {
      const batch = this.results.slice(this.checked, this.checked + count);
      this.checked += batch.length;
      for (const loaded of await Promise.allSettled(batch.map((result) => result.data()))) {
        if (loaded.status === 'rejected') {
          this.partial();
          continue;
        }
        const data = loaded.value;
        const matched = wordsAt(data, data.locations);
        const metaWords = Object.entries(data.meta).flatMap(([key, value]) => (key === 'image' || !value ? [] : value.split(/\s+/)));
        if (isRealMatch(this.words, matched, metaWords)) this.kept.push(data);
      }
    }
    const next = this.kept.slice(this.shown, this.shown + count);
    this.shown += next.length;
    return next;
  }

  hasMore(): boolean {
    return this.shown < this.kept.length || this.checked < this.results.length;
  }
}

/**
 * One result as a list item: its title linked to the page, the picture (the story's own thumbnail, when it has one)
 * and the excerpt. Everything enters the page as text nodes and attributes, never as HTML (excerptRuns).
 */
function resultItem(data: PagefindData): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'search-result';
  const image = data.meta['image'] ? pictureUrl(data.meta['image']) : null;
  if (image) {
    const picture = document.createElement('img');
    picture.className = 'search-result-image';
    picture.src = image;
    picture.alt = data.meta['image_alt'] ?? '';
    picture.width = 128;
    picture.height = 72;
    picture.loading = 'lazy';
    picture.decoding = 'async';
    // A picture that fails to load goes, as on the other pages: the result keeps its text.
    picture.addEventListener('error', () => picture.remove());
    item.append(picture);
  }
  const text = document.createElement('div');
  const heading = document.createElement('h2');
  heading.className = 'search-result-title';
  const link = document.createElement('a');
  link.href = sitePath(data.url);
  link.textContent = data.meta['title'] || data.url;
  heading.append(link);
  const excerpt = document.createElement('p');
  excerpt.className = 'search-result-excerpt';
  for (const run of excerptRuns(data.excerpt, data)) {
    if (!run.marked) {
      excerpt.append(run.text);
      continue;
    }
    const mark = document.createElement('mark');
    mark.textContent = run.text;
    excerpt.append(mark);
  }
  text.append(heading, excerpt);
  item.append(text);
  return item;
}

/** A result's URL as a path on this site: Pagefind builds it from the base and the page's file, so it is one. */
function sitePath(url: string): string {
  const resolved = new URL(url, location.href);
  return resolved.origin === location.origin ? resolved.pathname + resolved.search + resolved.hash : '/';
}

/** A picture URL from a page's search metadata if it is a web URL (the site's copy, or the outlet's when hotlinked). */
function pictureUrl(url: string): string | null {
  return URL.canParse(url, location.href) ? webUrl(new URL(url, location.href).href) : null;
}

/** Puts the query into the address bar as ?q= (or takes it out), without a new history entry per keystroke. */
function keepQueryInAddress(query: string): void {
  const url = new URL(location.href);
  if (query.trim()) url.searchParams.set('q', query);
  else url.searchParams.delete('q');
  if (url.href !== location.href) history.replaceState(history.state, '', url);
}
