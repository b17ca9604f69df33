// The build stage: render the static site from the store with Astro.
import { resolve } from 'node:path';
import { readdirSync, statSync } from 'node:fs';
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
  await build({ root: projectRoot, outDir, logLevel: 'warn' });
  return { pages: countPages(outDir), outDir };
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
