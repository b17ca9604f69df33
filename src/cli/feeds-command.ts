// `wirefold feeds …`: the source list and each feed's health, plus `feeds parse` to see a feed as ingest stores it.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileErrorReason } from '../file-errors.ts';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openStore } from '../store/store.ts';
import { isDemoStore } from '../store/demo-marker.ts';
import { describeLocation, parseStoreLocation } from '../store/location.ts';
import { findFeed, followFeed, listFeeds, removeFeed } from '../store/feeds.ts';
import type { Feed, FollowResult } from '../store/feeds.ts';
import { opmlExportMark, parseOpml, renderOpml } from '../ingest/opml.ts';
import { FeedParseError, parseFeed } from '../ingest/parse.ts';
import { discoverFeeds } from '../ingest/discover.ts';
import { fetchFeed } from '../ingest/fetch.ts';
import type { FetchResult } from '../ingest/fetch.ts';
import { canonicalFeedUrl, feedUrlProblem } from '../ingest/feed-url.ts';
import { UsageError } from './settings.ts';
import { readInputBytes, readInputFile } from './input-file.ts';
import type { Settings } from './settings.ts';

export async function feedsCommand(settings: Settings, args: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [action, target] = args;
  if (action === 'parse') {
    if (!target) throw new UsageError('feeds parse needs a file or URL');
    return parseCommand(target, values.json === true, settings.allowPrivateAddresses);
  }
  if (!['list', 'add', 'remove', 'import', 'export'].includes(action ?? '')) {
    throw new UsageError(action ? `unknown feeds action "${action}"` : 'feeds needs an action');
  }
  // Read, parsed and checked before the store is opened, so that a missing file, a file that is no OPML or a bad URL
  // never leaves a new empty store behind (a later `build` would then build an empty site instead of "no store").
  const opml = action === 'import' && target ? parseOpml(readInputFile(target)) : undefined;
  const problem = action === 'add' && target ? feedUrlProblem(target) : null;
  if (problem) {
    console.error(`wirefold feeds: cannot add ${target} (${problem}): a feed URL is http:// or https:// and a host`);
    return 2;
  }
  // The demo's store is deleted and made anew by every `wirefold demo`: feeds added to it would be lost on the next one.
  if ((action === 'add' || action === 'import') && await isDemoStore(settings.storePath)) {
    throw new Error(`refusing to add feeds to ${describeLocation(parseStoreLocation(settings.storePath))}: it is the demo's store, ` +
      'which every `wirefold demo` deletes and makes anew; name another store with --db');
  }
  // Adding feeds may start a store; listing, removing and exporting never do (a typo would list an empty one).
  const store = await openStore(settings.storePath, { mustExist: action !== 'add' && action !== 'import' });
  try {
    switch (action) {
      case 'list': {
        const feeds = await listFeeds(store);
        console.log(values.json ? JSON.stringify(feeds, null, 2) : feedTable(feeds));
        return 0;
      }
      case 'add': {
        if (!target) throw new UsageError('feeds add needs an http(s) URL');
        const url = await feedUrlFor(canonicalFeedUrl(target), settings.allowPrivateAddresses);
        const { id, was } = await followFeed(store, { url, title: (values.title as string | undefined) ?? null, tags: values.tag ? [values.tag as string] : [] });
        console.log(`feed ${id}: ${url}${followNotes[was]}`);
        return 0;
      }
      case 'remove': {
        if (!target) throw new UsageError('feeds remove needs a feed id or URL');
        const feed = await findFeed(store, target);
        if (!feed) {
          throw new Error(`no feed ${target} (see "wirefold feeds list")`);
        }
        const removal = await removeFeed(store, feed.id);
        // A feed removed before and kept disabled for its articles, or disabled by a 410, is off the list already.
        if (removal === 'already off') console.log(`feed ${feed.id} is already off the source list (${feed.lastError ?? 'disabled'}): ${feed.url}`);
        else console.log(`removed feed ${feed.id}: ${feed.url}${removal === 'disabled' ? ' (kept as a disabled record: its articles, or a run fetching it now, point at it)' : ''}`);
        return 0;
      }
      case 'import': {
        if (!opml) throw new UsageError('feeds import needs an OPML file');
        const problems = new Map(opml.feeds.map((feed) => [feed, feedUrlProblem(feed.url)]));
        const accepted = opml.feeds.filter((feed) => problems.get(feed) === null);
        const rejected = opml.feeds.filter((feed) => problems.get(feed) !== null);
        const results = await store.transaction(async () => {
          const results: FollowResult[] = [];
          for (const feed of accepted) results.push(await followFeed(store, { url: canonicalFeedUrl(feed.url), title: feed.title, siteUrl: feed.htmlUrl, tags: feed.tags }));
          return results;
        });
        const count = (was: FollowResult['was']) => results.filter((result) => result.was === was).length;
        const known = [count('followed') && `${count('followed')} already followed`, count('disabled') && `${count('disabled')} followed again`].filter(Boolean);
        console.log(`imported ${accepted.length} feeds from ${target}${known.length ? ` (${count('new')} new, ${known.join(', ')})` : ''}`);
        if (rejected.length > 0) {
          console.log(`skipped ${rejected.length} feeds with bad URLs: ${rejected.map((feed) => `${feed.url} (${problems.get(feed)})`).join(', ')}`);
        }
        return 0;
      }
      case 'export': {
        const opml = renderOpml({
          title: 'Wirefold feeds',
          feeds: (await listFeeds(store)).filter((feed) => feed.status === 'active')
            .map((feed) => ({ url: feed.url, title: feed.title, htmlUrl: feed.siteUrl, tags: feed.tags })),
        });
        // "-" is standard output, as for most command-line tools (it wrote a file named "-").
        if (target && target !== '-') writeExport(target, opml);
        else process.stdout.write(opml);
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown feeds action "${action}"` : 'feeds needs an action');
    }
  } finally {
    await store.close();
  }
}

/** What `feeds add` says after the feed's id and URL, by what following it did (store/feeds.ts followFeed). */
const followNotes: Record<FollowResult['was'], string> = { new: '', followed: ' (already followed)', disabled: ' (followed again: it had been removed or disabled)' };

/**
 * The feed to subscribe to for what a person gave: the URL itself, unless it serves a web page announcing a feed, then
 * that feed (said on the console). When the URL cannot be read now it is added as given, as before.
 */
async function feedUrlFor(target: string, allowPrivateAddresses: boolean): Promise<string> {
  const result = await fetchFeed({ url: target }, undefined, { allowPrivateAddresses });
  if (result.kind !== 'ok') {
    console.error(`note: could not read ${target} now (${fetchProblem(result)}); added as given`);
    return target;
  }
  const announced = feedOfWebPage(result.body, result.url, result.contentType);
  if (!announced) return target;
  const feed = canonicalFeedUrl(announced);
  console.log(`${target} is a web page; found its feed ${feed}`);
  // A page may announce a feed that is gone: it is added all the same (the page says it is there), and the user told.
  const check = await fetchFeed({ url: feed }, undefined, { allowPrivateAddresses });
  if (check.kind !== 'ok') console.error(`note: could not read ${feed} now (${fetchProblem(check)}); added all the same`);
  return feed;
}

/** When bytes are a web page rather than a feed, the first feed it announces (else null: a feed, or nothing found). */
function feedOfWebPage(bytes: Uint8Array, pageUrl: string, contentType: string | null): string | null {
  try {
    parseFeed(bytes, { url: pageUrl, contentType });
    return null;
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw error;
    return discoverFeeds(bytes, pageUrl)[0]?.url ?? null;
  }
}

async function parseCommand(target: string, json: boolean, allowPrivateAddresses: boolean): Promise<number> {
  const read = await readTarget(target, allowPrivateAddresses);
  if (!read) return 1;
  let { bytes, contentType, url, encodingIgnored } = read;
  const feedUrl = feedOfWebPage(bytes, url, contentType);
  if (feedUrl) {
    // On stderr, so `--json` output stays one JSON document.
    console.error(`${target} is a web page; found its feed ${feedUrl}`);
    if (feedUrl.startsWith('file:') && !existsSync(fileURLToPath(feedUrl))) {
      console.error("the page was read from a file, so its site-relative feed link cannot be followed: give the page's web address instead");
      return 1;
    }
    const feed = await readTarget(feedUrl.startsWith('file:') ? fileURLToPath(feedUrl) : feedUrl, allowPrivateAddresses);
    if (!feed) return 1;
    ({ bytes, contentType, url, encodingIgnored } = feed);
  }
  // A feed read from a file resolves relative links against its own link (see parseFeed), not a file: address.
  if (url.startsWith('file:')) url = new URL(`file://${process.cwd()}/`).href;
  try {
    const feed = parseFeed(bytes, { url, contentType, encodingIgnored });
    const { items, warnings, ...head } = feed;
    if (json) console.log(JSON.stringify({ feed: head, items, warnings }, null, 2));
    else {
      console.log(`${feed.title} (${feed.format} ${feed.formatVersion ?? ''}): ${items.length} items`);
      for (const item of items) console.log(`  ${item.published ?? '(no date)'}  ${item.title}`);
      for (const warning of warnings) console.log(`  warning: ${warning}`);
    }
    return 0;
  } catch (error) {
    console.error(`wirefold feeds: cannot read ${target}: ${(error as Error).message}`);
    return 1;
  }
}

/** The bytes of a file or URL, with the address they came from (a file: URL for files); null after saying why not. */
async function readTarget(target: string, allowPrivateAddresses: boolean):
  Promise<{ bytes: Uint8Array; contentType: string | null; url: string; encodingIgnored: string | null } | null> {
  if (/^https?:\/\//.test(target)) {
    const result = await fetchFeed({ url: target }, undefined, { allowPrivateAddresses });
    if (result.kind !== 'ok') {
      console.error(`wirefold feeds: cannot read ${target}: ${fetchProblem(result)}`);
      return null;
    }
    return { bytes: result.body, contentType: result.contentType, url: result.url, encodingIgnored: result.encodingIgnored };
  }
  try {
    return { bytes: readInputBytes(target), contentType: null, url: pathToFileURL(target).href, encodingIgnored: null };
  } catch (error) {
    console.error(`wirefold feeds: ${(error as Error).message}`);
    return null;
  }
}

/** Why a fetch gave no feed, in a few words: the fetcher's error, or the HTTP status. */
function fetchProblem(result: Exclude<FetchResult, { kind: 'ok' }>): string {
  return result.kind === 'error' ? result.error : `HTTP ${result.status}`;
}

/**
 * Writes the OPML export to `target`: a new file, or over an earlier export (its first lines carry opmlExportMark);
 * anything else there (another reader's OPML list, the store itself, a document, a folder) is refused with one line,
 * never overwritten. Written to a temporary file beside it and renamed, so a failed write leaves the old export whole.
 */
function writeExport(target: string, opml: string): void {
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new Error(`cannot export to ${target}: it is a folder`);
    const head = readFileSync(target).subarray(0, 512).toString('utf8');
    if (!head.includes(opmlExportMark)) {
      throw new Error(`refusing to overwrite ${target}: it is not a file wirefold feeds export wrote; choose a new file`);
    }
  }
  const temporary = `${target}.wirefold-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, opml);
    renameSync(temporary, target);
  } catch (error) {
    // Where the folder is missing or a file, there is no temporary file either, and removing it fails too.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written
    }
    // Node's message names the temporary file ("ENOENT: …, open 'x.opml.wirefold-24026.tmp'"), not the one asked for.
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such folder ${dirname(resolve(target))}` : fileErrorReason(error);
    throw new Error(`cannot write ${target}: ${reason}`);
  }
}

function feedTable(feeds: readonly Feed[]): string {
  if (feeds.length === 0) return 'No feeds yet: wirefold feeds import content/feeds.opml';
  const rows = feeds.map((feed) => [
    String(feed.id),
    feed.status === 'disabled' ? 'disabled' : feed.lastError ? `failing×${feed.consecutiveFailures}` : feed.lastFetchedAt ? 'ok' : 'new',
    feed.lastStatus ? String(feed.lastStatus) : '-',
    String(feed.itemsSeen),
    feed.lastFetchedAt?.slice(0, 16).replace('T', ' ') ?? 'never',
    (feed.title ?? feed.url).slice(0, 40),
    feed.lastError ?? '',
  ]);
  // items_seen adds up the items of every fetch that brought the feed (not how many articles it has now): said so.
  const header = ['id', 'health', 'http', 'items seen', 'last fetch', 'feed', 'last error'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
