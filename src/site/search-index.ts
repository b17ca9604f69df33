// Writes the search index's shards (search-shards.ts) with Pagefind's Node API, each into <site>/pagefind/<shard>/.
// One Pagefind service (one child process) indexes the shards one after another: measured on bench/build's 5,000
// stories (7 shards), the shards in parallel in that one service took no less CPU and more wall time (20.2 s against
// 13.6 s at load 8-9), and the seven shards one after another cost Pagefind no more CPU than one index of every page.
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { searchFolder } from './search-shards.ts';
import { childProcesses } from '../processes.ts';

/**
 * Pagefind's options, the same for every shard. forceLanguage: every page is English, and one language keeps one index
 * per shard. maxFragments: Pagefind writes one fragment file per page unless told to bundle them; 5,000 tiny files cost
 * more time to write (about 40 % of the indexing, measured on bench/build's store) than a search costs to fetch ~20
 * pages' fragments in one ~3 KB file.
 */
const indexOptions = { forceLanguage: 'en', maxFragments: 250 } as const;

/**
 * Indexes each shard named in only (of shards: shard → page files relative to siteDir, as searchShards returns them)
 * into <siteDir>/pagefind/<shard>/, from the finished HTML of its pages, so search indexes exactly what readers see.
 * The first shard of shards is the primary bundle and keeps Pagefind's scripts, UI and WebAssembly; the others keep only
 * their index files (the search page loads them with mergeIndex). Pagefind is not loaded when only is empty.
 * Throws "search index: <Pagefind's errors>" when Pagefind refuses a page or cannot write a shard.
 */
export async function writeSearchShards(siteDir: string, shards: ReadonlyMap<string, readonly string[]>, only: ReadonlySet<string>): Promise<void> {
  if (only.size === 0) return;
  const primary = shards.keys().next().value;
  const pagefind = await import('pagefind');
  running = pagefind;
  // Pagefind's service prints "Service stopped" and a stack on stderr when its process dies under it (a Ctrl-C reaches
  // it too); that is kept for the error this throws, so that a stopped build prints only its one line.
  let died: unknown = null;
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (args[0] === 'Service stopped') died = args[1];
    else consoleError(...args);
  };
  try {
    for (const [shard, files] of shards) {
      if (!only.has(shard)) continue;
      // Checked before each shard: Pagefind's API would start a new service for the next one.
      if (stopped) throw new Error('search index: stopped');
      const { index, errors } = await pagefind.createIndex(indexOptions);
      if (!index) throw new Error(`search index: ${errors.join('; ')}`);
      await addPages(index, siteDir, shard, files);
      const outputPath = join(siteDir, searchFolder, shard);
      const written = await index.writeFiles({ outputPath });
      if (written.errors.length) throw new Error(`search index: ${written.errors.join('; ')}`);
      await index.deleteIndex();
      if (shard !== primary) await keepIndexFilesOnly(outputPath);
    }
  } catch (error) {
    throw died ? new Error(`search index: Pagefind stopped (${(died as Error).message ?? died})`) : error;
  } finally {
    console.error = consoleError;
    running = null;
    await closeAndReap(pagefind);
  }
}

/** Pagefind's API while writeSearchShards uses it (its one service, a child process, may be running), else null. */
let running: typeof import('pagefind') | null = null;
/** Set for good by stopSearchIndexing: the process is on its way out, no index may start. */
let stopped = false;

/** How long stopSearchIndexing waits for Pagefind's process to be gone, in milliseconds. */
const pagefindExitWaitMs = 1_000;

/**
 * For a process about to exit on a stop signal: ends Pagefind's service process if one runs (Pagefind's close() sends
 * it SIGTERM; the index write under way then fails) and waits, at most pagefindExitWaitMs, until it has exited and Node
 * has reaped it, so that the build leaves no orphan, running or defunct (a container whose first process does not reap
 * orphans would keep a defunct one). Pagefind's API does not expose its process: it is found among this process's
 * children by name (Linux /proc; elsewhere it is ended but not waited for). No index starts after this.
 */
export async function stopSearchIndexing(): Promise<void> {
  stopped = true;
  if (!running) return;
  const pagefind = running;
  running = null;
  await closeAndReap(pagefind);
}

/**
 * Closes Pagefind's service and waits, at most pagefindExitWaitMs, until its process has exited and Node has reaped it:
 * after a build as after a stop. A process that exits with Pagefind still running leaves an orphan, and Pagefind's CPU
 * time is then missing from the build's own (`/usr/bin/time`, and so bench/build, count a child only once reaped).
 */
async function closeAndReap(pagefind: typeof import('pagefind')): Promise<void> {
  const services = childProcesses(process.pid).filter((child) => child.command.includes('pagefind'));
  await pagefind.close();
  const deadline = Date.now() + pagefindExitWaitMs;
  while (services.some((service) => existsSync(`/proc/${service.pid}`)) && Date.now() < deadline) await sleep(10);
}

type PagefindIndex = NonNullable<Awaited<ReturnType<typeof import('pagefind').createIndex>>['index']>;

/** Characters a page file may have to be named in a glob as it is (every file Wirefold writes has only these). */
const plainFile = /^[A-Za-z0-9._/-]+$/;

/**
 * Adds a shard's pages to its index. Pagefind reads them itself, through a glob that names each file
 * ("{stories/a/index.html,stories/b/index.html,…}" below siteDir): handing it each page's HTML (addHTMLFile) cost Node
 * 0.9 ms of CPU per page more (reading, base64, JSON), 4.6 s on bench/build's 5,400 pages. A file whose name a glob
 * would read otherwise (none that page-plan.ts names) is handed over by its HTML. Pagefind orders the pages itself, so
 * the same pages give the same bytes, whichever build indexes them.
 */
async function addPages(index: PagefindIndex, siteDir: string, shard: string, files: readonly string[]): Promise<void> {
  const globbed = files.filter((file) => plainFile.test(file));
  let added = 0;
  if (globbed.length > 0) {
    const result = await index.addDirectory({ path: siteDir, glob: `{${globbed.join(',')}}` });
    if (result.errors.length) throw new Error(`search index: ${shard}: ${result.errors.join('; ')}`);
    added += result.page_count;
  }
  for (const file of files.filter((name) => !plainFile.test(name))) {
    const result = await index.addHTMLFile({ url: pageUrl(file), content: await readFile(join(siteDir, file), 'utf8') });
    if (result.errors.length) throw new Error(`search index: ${file}: ${result.errors.join('; ')}`);
    added++;
  }
  if (added !== files.length) throw new Error(`search index: ${shard}: Pagefind indexed ${added} of its ${files.length} pages`);
}

/** A page's URL in search results, relative to the site's base (the search page passes the base as baseUrl). */
function pageUrl(file: string): string {
  return `/${file.replace(/index\.html$/, '')}`;
}

/**
 * Removes from a merged shard's folder what only the primary bundle is loaded for (scripts, styles, WebAssembly): a
 * merged index is read through the primary's code (Pagefind's mergeIndex fetches its pagefind-entry.json, its
 * pf_meta and, below, its index, filter and fragment chunks).
 */
async function keepIndexFilesOnly(shardDir: string): Promise<void> {
  for (const entry of await readdir(shardDir, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.name === 'pagefind-entry.json' || entry.name.endsWith('.pf_meta')) continue;
    await rm(join(shardDir, entry.name));
  }
}
