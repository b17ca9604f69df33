// What a site is made from, as digests: the store's content that pages show, the code that renders it, and the build's
// settings. Equal digests mean an equal site, so a build whose inputs match the live site's can stop before it loads
// Astro or Pagefind (build-site.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SiteReads } from '../store/site-reads.ts';
import { feedHealth } from './feed-health.ts';
import { projectRoot } from '../paths.ts';
import type { ImageMode } from './story-image.ts';

/** The settings a site depends on besides the store and the code. */
export interface BuildSettings {
  siteUrl: string | null;
  base: string | null;
  demo: boolean;
  /** Story pictures: local copies, hotlinked or none (story-image.ts). */
  images: ImageMode;
}

/**
 * Everything the site shows from the store, as one digest (base64url SHA-256) of the very reads SiteData (data.ts) is
 * made from (readSite), so nothing a page can show is missed. Feeds enter as the sources page shows them (feedHealth), an ETag or
 * the next fetch time not at all, and the time of the last fetch by the hour: a scheduled rebuild whose feeds all
 * answer "not modified" (counted as the 200 it repeats) has nothing new for readers, and rebuilding the site for the sources page's "last fetch" alone
 * would cost every such run the whole build. So that column may lag by up to an hour while nothing else changes; a
 * change of health (a failure, an error, a recovery) or of any article still rebuilds at once.
 */
export function storeDigest(reads: SiteReads): string {
  const hash = createHash('sha256');
  const add = (part: string, value: unknown) => hash.update(`${part}\n${JSON.stringify(value)}\n`);
  add('feeds', reads.feeds.map((feed) => {
    const view = feedHealth(feed, reads.articleCounts.get(feed.id) ?? 0);
    // 304 Not Modified is the same good news as the 200 before it.
    return { ...view, lastHttpStatus: view.lastHttpStatus === 304 ? 200 : view.lastHttpStatus, lastFetchedAt: view.lastFetchedAt?.slice(0, 13) ?? null };
  }));
  add('topics', reads.topics);
  add('topic stories', reads.topicStoryLinks);
  add('stories', reads.liveStories);
  add('merged', reads.mergedStories);
  add('related', [...reads.relatedStoryIds]);
  for (const [storyId, articles] of reads.articlesByStory) add(storyId, articles);
  return hash.digest('base64url');
}

/** The folders and files whose content decides how pages render (the templates, the site's modules, the dependencies). */
const codePaths = ['src', 'astro.config.mjs', 'package-lock.json', 'public'];

/**
 * A digest of the code that renders the site: every file under src/ (the site reads store and cluster modules too;
 * hashing all of it costs a few milliseconds and never misses one), astro.config.mjs, package-lock.json and public/.
 * A change to any of them makes the next build a full one.
 */
export function codeDigest(root = projectRoot): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
      return;
    }
    hash.update(`${relative(root, path)}\n`).update(readFileSync(path)).update('\n');
  };
  for (const path of codePaths) visit(join(root, path));
  return hash.digest('base64url');
}

/** One digest of a build's inputs: equal fingerprints, equal sites. */
export function buildFingerprint(store: string, code: string, settings: BuildSettings): string {
  return createHash('sha256').update(JSON.stringify({ store, code, settings })).digest('base64url');
}

/**
 * The version of a site's search index, as the search page names it (search.astro data-index; base64url SHA-256):
 * it differs whenever any shard's content can, so a search page kept open across a build sees that it must open the
 * index again (search-page.ts). Pagefind's output is made from the searched pages (each shard's files and the hashes of
 * their indexed parts, the manifest's search records: also which shard is the primary) by the code, under the
 * settings; the search page renders before Pagefind writes the index, so a digest of the index files themselves could
 * not be in it. Store changes that no searched page shows (a feed's health) leave it as it was, and so does the demo
 * flag (a demo build and a plain build of one store make the same site).
 */
export function searchIndexVersion(code: string, settings: BuildSettings, search: Record<string, Record<string, string>>): string {
  // The demo flag only marks whose site it is (site-swap.ts); the same store gives the same pages and index either way.
  const { demo: _demo, ...indexed } = settings;
  return createHash('sha256').update(JSON.stringify({ code, settings: indexed, search: Object.entries(search) })).digest('base64url');
}
