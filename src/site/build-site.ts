// The build stage: render the static site from the store with Astro, then index it for search with Pagefind.
// The child processes a build starts (esbuild's service, from Vite; Pagefind's binary, from its Node API) are driven over
// their stdin and exit when it closes, which the kernel does when this process dies, even by SIGKILL; so no watcher
// process is needed (test/site/build-safety.test.ts kills real builds and looks for them). A build stopped by SIGINT or
// SIGTERM does better than that: before it exits it ends Pagefind and waits until it is gone, and removes its unfinished
// site (site-swap.ts withdraw) and its working folder (test/crash/build-stop.test.ts stops real builds).
import { join, resolve, sep } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { projectRoot } from '../paths.ts';
import { readStore } from '../store/store.ts';
import { absoluteLocation } from '../store/location.ts';
import { realPathOf, refuseDangerousOutDir, refuseForeignOutDir } from './out-dir-guard.ts';
import { createFreshSite, recoverInterruptedSwap } from './site-swap.ts';
import { createBuildWorkdir } from './build-workdir.ts';
import { sitePictures } from './site-pictures.ts';
import type { ImageMode } from './story-image.ts';
import { buildFingerprint, codeDigest, searchIndexVersion, storeDigest } from './build-inputs.ts';
import type { BuildSettings } from './build-inputs.ts';
import { buildManifestName, namesNotBuilt, readBuildManifest, writeBuildManifest } from './build-manifest.ts';
import type { BuildManifest } from './build-manifest.ts';
import { reuseIdenticalFiles } from './reuse-files.ts';
import { keepFilesBeside } from './keep-thread.ts';
import type { KeptFiles } from './keep-thread.ts';
import { readSite } from '../store/site-reads.ts';
import { siteMarkerName } from './site-marker.ts';
import { stopwatch } from '../stopwatch.ts';
import type { AstroIntegration } from 'astro';

export interface BuildOptions {
  storePath: string;
  outDir: string;
  siteUrl?: string;
  base?: string;
  /** A demo build: its site is marked as the demo's, and it replaces only a demo site. */
  demo?: boolean;
  /** Story pictures: our own copies (`local`, the default), the outlets' URLs (`hotlink`) or none (`off`). */
  images?: ImageMode;
  /** Image fetches may reach loopback and private addresses (the demo's sample server). */
  allowPrivateAddresses?: boolean;
  /**
   * Registers work to run if the process is stopped by a signal (the CLI's stop-signals.ts beforeStopExit); returns its
   * removal. A stopped build then removes its fresh folder and ends Pagefind before the process exits.
   */
  beforeStopExit?: (cleanup: () => Promise<unknown>) => () => void;
}

export interface BuildSummary {
  /** HTML pages in the site. */
  pages: number;
  outDir: string;
  /**
   * 'up to date': the live site was built from the same inputs and was left untouched; 'full': every page rendered;
   * 'incremental': only the pages whose content changed were rendered, the others kept from the live site.
   */
  kind: 'up to date' | 'full' | 'incremental';
  /** Pages of the dynamic routes rendered and kept (the routes without parameters, a dozen files, always render). */
  rendered: number;
  kept: number;
  /** Where the time went, in seconds (buildPhases; zeros where a phase did not run). */
  seconds: BuildSeconds;
  /** Search index shards (search-shards.ts) in the site, and how many of them this build indexed; 0 of 0 when up to date. */
  searchShards: number;
  searchShardsIndexed: number;
  /** What the user should know that did not fail the build (a leftover folder that cannot be deleted), a line each. */
  warnings: string[];
}

/**
 * The build's phases, in the order they run: inputs (the code digest, the store read and its digest), plan (the pages'
 * data and content hashes, what to render and keep), pictures, astro (Astro's start-up and configuration), bundle
 * (Vite bundling the pages), render (Astro rendering and writing the pages), keep (waiting for the hard links from the
 * live site, made on a second thread while Astro starts and renders: keep-thread.ts), search (Pagefind), reuse
 * (listing the new site's files, and in an incremental build linking the rendered ones that came out byte-identical),
 * manifest (writing the record), swap (the two renames and deleting the previous site).
 */
export const buildPhases = ['inputs', 'plan', 'pictures', 'astro', 'bundle', 'render', 'keep', 'search', 'reuse', 'manifest', 'swap'] as const;
export type BuildSeconds = Record<(typeof buildPhases)[number], number>;

/**
 * Builds the site from the store at storePath into a fresh folder beside outDir and swaps it in whole (site-swap.ts);
 * the previous site in outDir is deleted only after that. Refuses (one-line errors, nothing changed on disk) an outDir
 * that is not a Wirefold site and not empty, that holds the store, the project or the current folder; throws "cannot
 * write the site to <outDir>: <reason>" when the folder beside it cannot be made.
 *
 * Incremental: when the live site's manifest (build-manifest.ts) records the same inputs (store content shown, code,
 * settings), nothing is done and Astro and Pagefind are never loaded. When only the store changed, only the pages
 * whose content hash changed are rendered (page-plan.ts); the others are hard-linked from the live site, and so is
 * any other file that comes out byte-identical (reuse-files.ts). Pagefind has no way to update an index, so search is
 * indexed in shards (search-shards.ts): only the shards one of whose pages changed, came or went are indexed again, the
 * others are hard-linked from the live site.
 */
export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  // Symlinks resolved, so that a linked out dir is replaced at its target and the link stays.
  const outDir = realPathOf(options.outDir);
  refuseDangerousOutDir(outDir, options.storePath);
  const { warnings } = recoverInterruptedSwap(outDir);
  refuseForeignOutDir(outDir, options.demo);
  const settings: BuildSettings = { siteUrl: options.siteUrl ?? null, base: options.base ?? null, demo: options.demo === true, images: options.images ?? 'local' };
  const seconds = Object.fromEntries(buildPhases.map((phase) => [phase, 0])) as BuildSeconds;
  const lap = stopwatch();
  const previous = existsSync(outDir) ? readBuildManifest(outDir) : null;
  const code = codeDigest();
  // Read once, for the fingerprint and, when the site is not up to date, for the pages.
  const reads = await readStore(options.storePath, readSite);
  const storeContent = storeDigest(reads);
  const fingerprint = buildFingerprint(storeContent, code, settings);
  seconds.inputs = lap();
  // A site whose last build left pictures to fetch later is not up to date while they may now be fetched.
  if (previous?.fingerprint === fingerprint && !previous.picturesPending) return { pages: previous.htmlPages, outDir, kind: 'up to date', rendered: 0, kept: 0, seconds, searchShards: 0, searchShardsIndexed: 0, warnings };
  // The site is replaced whole: what a user put beside its files would go with it.
  const foreign = previous ? namesNotBuilt(outDir, previous) : [];
  if (foreign.length > 0) {
    throw new Error(`refusing to build into ${outDir}: it holds ${foreign.join(', ')}, which no build wrote, and a build replaces the ` +
      'whole folder; move them out first (or build into another folder and copy the site in when you deploy)');
  }

  const site = createFreshSite(outDir, options.demo);
  const fresh = site.path;
  let stopping = false;
  /** The thread that links the live site's unchanged files into the fresh folder (incremental builds only). */
  let keeping: KeptFiles | null = null;
  /** The search indexer's module, once loaded (so that a stop can end Pagefind without waiting for an import). */
  let searchIndex: typeof import('./search-index.ts') | null = null;
  // Registered before the first await, so that no stop can find the folder unregistered.
  const forgetStop = options.beforeStopExit?.(async () => {
    stopping = true;
    // Pagefind is sent SIGTERM first, synchronously, while its folder is still there: a Pagefind that finds the folder
    // gone panics on our stderr (stderr is shared with it) before the signal lands. Then withdraw, whose first,
    // synchronous step takes the folder from under the other writers.
    const pagefindStopped = searchIndex ? searchIndex.stopSearchIndexing() : import('./search-index.ts').then((module) => module.stopSearchIndexing());
    await Promise.all([pagefindStopped, site.withdraw(), keeping?.stop()]);
  });
  // Loaded only now: a site that is up to date never needs the pages' data (nor Astro, nor Pagefind), nor pictures.
  const { SiteData, handOverSiteData } = await import('./data.ts');
  try {
    const pictures = await sitePictures(options);
    seconds.pictures = lap();
    // The pictures are part of the data, so a story whose picture came or went has a new page hash (page-plan.ts).
    const data = new SiteData(reads, Date.now(), pictures.manifest);
    const { pageHashes } = await import('./page-plan.ts');
    const { pages: hashes, searched } = pageHashes(data);
    const { searchFolder, searchShards } = await import('./search-shards.ts');
    const shards = searchShards(data);
    const search = shardRecords(shards, searched);
    // The live site's pages can be kept only when the same code rendered them for the same address and base path.
    const incremental = previous !== null && previous.code === code && isDeepStrictEqual(previous.settings, settings);
    const { renderOnly, keep, keptPages } = incremental ? await planIncremental(outDir, previous, hashes) : fullPlan;
    const staleShards = incremental ? planSearch(outDir, searchFolder, previous, search, keep) : new Set(shards.keys());
    seconds.plan = lap();

    // The live site's unchanged files are linked on a second thread while Astro renders the changed ones (keep-thread.ts).
    if (incremental) keeping = keepFilesBeside(outDir, fresh, keep);
    handOverSiteData({ storePath: absoluteLocation(options.storePath), data, renderOnly, searchVersion: searchIndexVersion(code, settings, search) });
    Object.assign(seconds, await renderSite(options, fresh, pictures.define));
    lap();
    pictures.publish(fresh);
    await keeping?.done();
    seconds.keep = lap();
    searchIndex = await import('./search-index.ts');
    await searchIndex.writeSearchShards(fresh, shards, staleShards);
    seconds.search = lap();
    const files = filesUnder(fresh);
    if (incremental) {
      // Only what this build wrote can have a twin to link to: the kept files (live pages and search shards) are the live ones already.
      const skip = new Set([siteMarkerName, buildManifestName, ...keep]);
      reuseIdenticalFiles(outDir, fresh, files.filter((file) => !skip.has(file)));
    }
    seconds.reuse = lap();
    const htmlPages = files.filter((file) => file.endsWith('.html')).length;
    const manifest: BuildManifest = {
      fingerprint, code, settings, htmlPages, pages: Object.fromEntries(hashes), search,
      picturesPending: pictures.pending,
      topLevel: [...new Set([...readdirSync(fresh), buildManifestName])].sort(),
    };
    writeBuildManifest(fresh, manifest);
    seconds.manifest = lap();
    const leftover = await site.swapIn();
    seconds.swap = lap();
    return { pages: htmlPages, outDir, kind: incremental ? 'incremental' : 'full', rendered: renderOnly?.length ?? hashes.size, kept: keptPages, seconds,
      searchShards: shards.size, searchShardsIndexed: staleShards.size, warnings: leftover ? [...warnings, leftover] : warnings };
  } catch (error) {
    // A stopped build fails on its way out (its folder is gone: writes fail, Pagefind was ended); the stop's handler
    // exits once its clean-up is done, and those errors are nobody's news: they are neither printed nor recorded.
    if (stopping) return await new Promise<never>(() => {});
    // No link may land in the folder once it is being deleted (it would make folders again inside it).
    await keeping?.stop();
    // The build's own error is the one to tell; a folder discard cannot delete keeps its marker for the next build.
    try {
      site.discard();
    } catch {
      // see site-swap.ts removeMarkedFolderSync
    }
    throw error;
  } finally {
    forgetStop?.();
    handOverSiteData(null);
  }
}

interface BuildPlan {
  /** Output files of the dynamic routes to render; null: all of them. */
  renderOnly: string[] | null;
  /** Files (relative to the site's root) to hard-link from the live site. */
  keep: string[];
  keptPages: number;
}

const fullPlan: BuildPlan = { renderOnly: null, keep: [], keptPages: 0 };

/**
 * What an incremental build renders and what it keeps from the live site in outDir: the pages whose content hash
 * changed since the previous build (or whose file is missing) render, the others are kept.
 */
async function planIncremental(outDir: string, previous: BuildManifest, hashes: Map<string, string>): Promise<BuildPlan> {
  const { changedPages } = await import('./page-plan.ts');
  const changed = changedPages(hashes, previous.pages);
  const keep: string[] = [];
  for (const file of hashes.keys()) {
    if (changed.has(file)) continue;
    if (existsSync(join(outDir, file))) keep.push(file);
    else changed.add(file);
  }
  return { renderOnly: [...changed], keep, keptPages: keep.length };
}

type SearchRecords = Record<string, Record<string, string>>;

/** Each search shard → its page files → the content hashes of their searched parts (page-plan.ts), for the manifest. */
function shardRecords(shards: ReadonlyMap<string, readonly string[]>, hashes: ReadonlyMap<string, string>): SearchRecords {
  return Object.fromEntries([...shards].map(([shard, files]) => [shard, Object.fromEntries(files.map((file) => [file, hashes.get(file)!]))]));
}

/**
 * The search shards an incremental build must index: those whose pages or hashes differ from the live site's record,
 * that changed from primary bundle to merged shard or back (the first of the list; they hold different files), or whose
 * folder is missing. Every file of each other shard is added to keep. Shards that went are neither kept nor indexed.
 * searchFolder: the shards' folder in a site (search-shards.ts, passed in so that a site that is up to date never
 * loads that module and date-fns with it).
 */
function planSearch(outDir: string, searchFolder: string, previous: BuildManifest, search: SearchRecords, keep: string[]): Set<string> {
  const stale = new Set<string>();
  const before = previous.search ?? {};
  const primary = (records: SearchRecords) => Object.keys(records)[0];
  for (const [shard, pages] of Object.entries(search)) {
    const folder = join(outDir, searchFolder, shard);
    const unchanged = isDeepStrictEqual(before[shard], pages) && (primary(before) === shard) === (primary(search) === shard) &&
      existsSync(join(folder, 'pagefind-entry.json'));
    if (unchanged) keep.push(...filesUnder(folder).map((file) => `${searchFolder}/${shard}/${file}`));
    else stale.add(shard);
  }
  return stale;
}

/**
 * Renders the Astro site from the store into outDir, a fresh folder that holds the site marker (and, in an incremental
 * build, the live site's files the keep thread links in meanwhile, none of them a file Astro writes): every page, or
 * of the dynamic routes only the output files the build handed over (handOverSiteData's renderOnly). Returns the seconds Astro spent
 * starting (astro: loading it, reading its configuration and routes, setting up Vite), bundling the pages and client
 * code (bundle: Vite's builds, up to Astro's astro:build-generate step) and rendering and writing the pages (render).
 */
async function renderSite(options: BuildOptions, outDir: string, pictures: Record<string, string>): Promise<Pick<BuildSeconds, 'astro' | 'bundle' | 'render'>> {
  // Vite lets a BASE_URL in the environment override import.meta.env.BASE_URL, which would silently undo --base.
  delete process.env.BASE_URL;
  // Astro takes the site's address, base path and out dir as inline config (over astro.config.mjs); the data module
  // learns the store's path from a constant Vite writes into the bundle (__WIREFOLD_STORE__, see data.ts).
  const addresses = { ...(options.siteUrl ? { site: options.siteUrl } : {}), ...(options.base ? { base: options.base } : {}) };
  const define = { __WIREFOLD_STORE__: JSON.stringify(absoluteLocation(options.storePath)), ...pictures };
  const lap = stopwatch();
  const seconds = { astro: 0, bundle: 0, render: 0 };
  // Two marks inside Astro's build: its astro:build:start hook (set-up done, bundling starts) and a Vite buildApp hook
  // ordered 'post', which Vite runs after Astro's own bundling and before Astro's page generation (a post buildApp
  // hook Astro adds after the project's plugins).
  const phaseMarks: AstroIntegration = { name: 'wirefold:phases', hooks: { 'astro:build:start': () => { seconds.astro = lap(); } } };
  const bundled = { name: 'wirefold:bundled', buildApp: { order: 'post' as const, handler: () => { seconds.bundle = lap(); } } };
  const { build } = await import('astro');
  // Astro bundles the pages to prerender into <outDir>/.prerender when outDir lies below the working directory, and
  // else into <cwd>/.astro/.prerender: one folder shared by every build started from the same place, which concurrent
  // builds (parallel tests, a benchmark, a scheduler) delete under each other. Each build therefore runs from a private
  // folder of its own, inside the project so that the bundle still finds node_modules.
  const workingDirectory = process.cwd();
  const privateDirectory = createBuildWorkdir(resolve(projectRoot, '.astro'));
  process.chdir(privateDirectory.path);
  try {
    // Astro empties its out dir before writing; ours is fresh, and emptying it would delete the site marker.
    await build({ root: projectRoot, outDir, ...addresses, logLevel: 'warn', integrations: [phaseMarks], vite: { build: { emptyOutDir: false }, define, plugins: [bundled] } });
    seconds.render = lap();
  } finally {
    process.chdir(workingDirectory);
    privateDirectory.remove();
  }
  return seconds;
}

/** Every file below dir, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1).split(sep).join('/'));
}
