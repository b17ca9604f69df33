// The build stage: render the static site from the store with Astro, then index it for search with Pagefind.
// The child processes a build starts (esbuild's service, from Vite; Pagefind's binary, from its Node API) are driven over
// their stdin and exit when it closes, which the kernel does when this process dies, even by SIGKILL; so no watcher
// process is needed (test/site/build-safety.test.ts kills real builds and looks for them).
import { join, resolve, sep } from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { projectRoot } from '../paths.ts';
import { readStore } from '../store/store.ts';
import { absoluteLocation } from '../store/location.ts';
import { realPathOf, refuseDangerousOutDir, refuseForeignOutDir } from './out-dir-guard.ts';
import { createFreshSite, recoverInterruptedSwap, swapIn } from './site-swap.ts';
import { sitePictures } from './site-pictures.ts';
import type { ImageMode } from './story-image.ts';
import { buildFingerprint, codeDigest, storeDigest } from './build-inputs.ts';
import type { BuildSettings } from './build-inputs.ts';
import { buildManifestName, readBuildManifest, writeBuildManifest } from './build-manifest.ts';
import type { BuildManifest } from './build-manifest.ts';
import { keepFiles, reuseIdenticalFiles } from './reuse-files.ts';
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
}

/**
 * The build's phases, in the order they run: inputs (the code digest, the store read and its digest), plan (the pages'
 * data and content hashes, what to render and keep), pictures, astro (Astro's start-up and configuration), bundle
 * (Vite bundling the pages), render (Astro rendering and writing the pages), keep (hard links from the live site),
 * search (Pagefind), reuse (listing the new site's files, and in an incremental build linking the rendered ones that
 * came out byte-identical), manifest (writing the record), swap (the two renames and deleting the previous site).
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
 * any other file that comes out byte-identical (reuse-files.ts). Pagefind has no way to update an index, so the
 * search index is rebuilt over all pages.
 */
export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  // Symlinks resolved, so that a linked out dir is replaced at its target and the link stays.
  const outDir = realPathOf(options.outDir);
  refuseDangerousOutDir(outDir, options.storePath);
  recoverInterruptedSwap(outDir);
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
  if (previous?.fingerprint === fingerprint && !previous.picturesPending) return { pages: previous.htmlPages, outDir, kind: 'up to date', rendered: 0, kept: 0, seconds };

  const fresh = createFreshSite(outDir, options.demo);
  // Loaded only now: a site that is up to date never needs the pages' data (nor Astro, nor Pagefind), nor pictures.
  const { SiteData, handOverSiteData } = await import('./data.ts');
  try {
    const pictures = await sitePictures(options);
    seconds.pictures = lap();
    // The pictures are part of the data, so a story whose picture came or went has a new page hash (page-plan.ts).
    const data = new SiteData(reads, Date.now(), pictures.manifest);
    const { pageHashes } = await import('./page-plan.ts');
    const hashes = pageHashes(data);
    // The live site's pages can be kept only when the same code rendered them for the same address and base path.
    const incremental = previous !== null && previous.code === code && isDeepStrictEqual(previous.settings, settings);
    const { renderOnly, keep, keptPages, searchIndexUnchanged } = incremental ? await planIncremental(outDir, previous, hashes) : fullPlan;
    seconds.plan = lap();

    handOverSiteData({ storePath: absoluteLocation(options.storePath), data, renderOnly });
    Object.assign(seconds, await renderSite(options, fresh, pictures.define));
    lap();
    pictures.publish(fresh);
    if (incremental) keepFiles(outDir, fresh, keep);
    seconds.keep = lap();
    if (!searchIndexUnchanged) await indexForSearch(fresh);
    seconds.search = lap();
    const files = filesUnder(fresh);
    if (incremental) {
      // Only what this build wrote can have a twin to link to: the kept files are the live ones already.
      const skip = new Set([siteMarkerName, buildManifestName, ...keep]);
      reuseIdenticalFiles(outDir, fresh, files.filter((file) => !skip.has(file)));
    }
    seconds.reuse = lap();
    const htmlPages = files.filter((file) => file.endsWith('.html')).length;
    const manifest: BuildManifest = {
      fingerprint, code, settings, htmlPages, pages: Object.fromEntries(hashes),
      picturesPending: pictures.pending,
    };
    writeBuildManifest(fresh, manifest);
    seconds.manifest = lap();
    await swapIn(fresh, outDir);
    seconds.swap = lap();
    return { pages: htmlPages, outDir, kind: incremental ? 'incremental' : 'full', rendered: renderOnly?.length ?? hashes.size, kept: keptPages, seconds };
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  } finally {
    handOverSiteData(null);
  }
}

interface BuildPlan {
  /** Output files of the dynamic routes to render; null: all of them. */
  renderOnly: string[] | null;
  /** Files (relative to the site's root) to hard-link from the live site. */
  keep: string[];
  keptPages: number;
  /** The live site's search index is the new site's (no story or topic page changed, came or went). */
  searchIndexUnchanged: boolean;
}

const fullPlan: BuildPlan = { renderOnly: null, keep: [], keptPages: 0, searchIndexUnchanged: false };

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
  const renderOnly = [...changed];
  const keptPages = keep.length;
  // Pagefind indexes only story and topic pages (data-pagefind-body); when none of them changed, came or went, the
  // live site's index is the index of the new site.
  const searched = (file: string) => file.startsWith('stories/') || file.startsWith('topics/');
  const searchedBefore = Object.keys(previous.pages).filter(searched);
  const searchIndexUnchanged = !renderOnly.some(searched) && searchedBefore.length === [...hashes.keys()].filter(searched).length &&
    searchedBefore.every((file) => hashes.has(file)) && existsSync(join(outDir, 'pagefind'));
  if (searchIndexUnchanged) keep.push(...filesUnder(join(outDir, 'pagefind')).map((file) => `pagefind/${file}`));
  return { renderOnly, keep, keptPages, searchIndexUnchanged };
}

/**
 * Renders the Astro site from the store into outDir, an empty folder that holds only the site marker: every page, or
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
  mkdirSync(resolve(projectRoot, '.astro'), { recursive: true });
  const privateDirectory = mkdtempSync(resolve(projectRoot, '.astro', 'build-'));
  process.chdir(privateDirectory);
  try {
    // Astro empties its out dir before writing; ours is fresh, and emptying it would delete the site marker.
    await build({ root: projectRoot, outDir, ...addresses, logLevel: 'warn', integrations: [phaseMarks], vite: { build: { emptyOutDir: false }, define, plugins: [bundled] } });
    seconds.render = lap();
  } finally {
    process.chdir(workingDirectory);
    rmSync(privateDirectory, { recursive: true, force: true });
  }
  return seconds;
}

/**
 * Builds the Pagefind index and its UI into <outDir>/pagefind/. Pagefind reads the finished HTML, so it indexes exactly
 * what readers see; pages without data-pagefind-body (home, lists, redirects) stay out of it.
 */
async function indexForSearch(outDir: string): Promise<void> {
  const pagefind = await import('pagefind');
  try {
    // Pagefind writes one fragment file per page unless told to bundle them; 5,000 tiny files cost more time to write
    // (about 40 % of the indexing, measured on bench/build's store) than a search costs to fetch ~20 pages' fragments
    // in one ~3 KB file.
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en', maxFragments: 250 });
    if (!index) throw new Error(`search index: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: outDir });
    if (added.errors.length) throw new Error(`search index: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
    if (written.errors.length) throw new Error(`search index: ${written.errors.join('; ')}`);
  } finally {
    await pagefind.close();
  }
}

/** Every file below dir, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1).split(sep).join('/'));
}
