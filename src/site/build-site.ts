// The build stage: render the static site from the store with Astro, then index it for search with Pagefind.
// The child processes a build starts (esbuild's service, from Vite; Pagefind's binary, from its Node API) are driven over
// their stdin and exit when it closes, which the kernel does when this process dies, even by SIGKILL; so no watcher
// process is needed (test/site/build-safety.test.ts kills real builds and looks for them).
import { absoluteLocation } from '../store/location.ts';
import { join, resolve } from 'node:path';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { projectRoot } from '../paths.ts';
import { realPathOf, refuseDangerousOutDir, refuseForeignOutDir } from './out-dir-guard.ts';
import { createFreshSite, recoverInterruptedSwap, swapIn } from './site-swap.ts';

export interface BuildOptions {
  storePath: string;
  outDir: string;
  siteUrl?: string;
  base?: string;
  /** A demo build: its site is marked as the demo's, and it replaces only a demo site. */
  demo?: boolean;
}

export interface BuildSummary {
  pages: number;
  outDir: string;
}

/**
 * Builds the site from the store at storePath into a fresh folder beside outDir and swaps it in whole (site-swap.ts);
 * the previous site in outDir is deleted only after that. Refuses (one-line errors, nothing changed on disk) an outDir
 * that is not a Wirefold site and not empty, that holds the store, the project or the current folder; throws "cannot
 * write the site to <outDir>: <reason>" when the folder beside it cannot be made. Returns the number of HTML pages.
 */
export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  // Symlinks resolved, so that a linked out dir is replaced at its target and the link stays.
  const outDir = realPathOf(options.outDir);
  refuseDangerousOutDir(outDir, options.storePath);
  recoverInterruptedSwap(outDir);
  refuseForeignOutDir(outDir, options.demo);
  const fresh = createFreshSite(outDir, options.demo);
  try {
    await renderSite(options, fresh);
    await indexForSearch(fresh);
    swapIn(fresh, outDir);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  return { pages: countPages(outDir), outDir };
}

/** Renders the Astro site from the store into outDir, an empty folder that holds only the site marker. */
async function renderSite(options: BuildOptions, outDir: string): Promise<void> {
  // Vite lets a BASE_URL in the environment override import.meta.env.BASE_URL, which would silently undo --base.
  delete process.env.BASE_URL;
  // Astro takes the site's address, base path and out dir as inline config (over astro.config.mjs); the data module
  // learns the store's path from a constant Vite writes into the bundle (__WIREFOLD_STORE__, see data.ts).
  const addresses = { ...(options.siteUrl ? { site: options.siteUrl } : {}), ...(options.base ? { base: options.base } : {}) };
  const define = { __WIREFOLD_STORE__: JSON.stringify(absoluteLocation(options.storePath)) };
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
    await build({ root: projectRoot, outDir, ...addresses, logLevel: 'warn', vite: { build: { emptyOutDir: false }, define } });
  } finally {
    process.chdir(workingDirectory);
    rmSync(privateDirectory, { recursive: true, force: true });
  }
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

function countPages(dir: string): number {
  let pages = 0;
  for (const entry of readdirSync(dir)) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) pages += countPages(path);
    else if (entry.endsWith('.html')) pages++;
  }
  return pages;
}
