// The build stage: render the static site from the store with Astro, then index it for search with Pagefind.
import { join, resolve } from 'node:path';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { projectRoot } from '../paths.ts';

export interface BuildOptions {
  storePath: string;
  outDir: string;
  siteUrl?: string;
  base?: string;
}

export interface BuildSummary {
  pages: number;
  outDir: string;
}

export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  const outDir = resolve(options.outDir);
  // astro.config.mjs and the site's data module read these; the environment is how Astro's config takes parameters.
  process.env.WIREFOLD_DB = resolve(options.storePath);
  process.env.WIREFOLD_OUT = outDir;
  if (options.siteUrl) process.env.WIREFOLD_SITE_URL = options.siteUrl;
  if (options.base) process.env.WIREFOLD_BASE = options.base;
  // Vite lets a BASE_URL in the environment override import.meta.env.BASE_URL, which would silently undo --base.
  delete process.env.BASE_URL;
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
    await build({ root: projectRoot, outDir, logLevel: 'warn' });
  } finally {
    process.chdir(workingDirectory);
    rmSync(privateDirectory, { recursive: true, force: true });
  }
  await indexForSearch(outDir);
  return { pages: countPages(outDir), outDir };
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
