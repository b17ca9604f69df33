// Incremental builds, run as users run them (the real `wirefold build` on a small synthetic store, real files): a second
// build with nothing new says the site is up to date and leaves every file as it was (same inode, mtime and bytes); a
// build after one new story rewrites only files whose bytes had to change, keeps every other one (same inode), and
// comes out byte for byte as a full build from scratch of the same store. Search is indexed in shards (one per week of
// stories, one for topics): after one new story only the new story's week and the topics are indexed again.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runWirefold, tempFolder } from '../helpers.ts';
import { filesUnder } from '../demo-site.ts';
import { addSyntheticStories, generateSyntheticStore } from '../../bench/build/synthetic-store.ts';

const buildTimeoutMs = 180_000;
const markerName = '.wirefold-site';

interface FileState { inode: number; mtimeMs: number; sha256: string }

/** Every file under dir, dotfiles included, with its inode, mtime and content hash. */
function snapshot(dir: string): Map<string, FileState> {
  return new Map(filesUnder(dir, () => true).map((file) => {
    const path = join(dir, file);
    const stats = statSync(path);
    return [file, { inode: stats.ino, mtimeMs: stats.mtimeMs, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') }];
  }));
}

function build(storePath: string, outDir: string): string {
  const result = runWirefold(['build', '--db', storePath, '--out', outDir, '--site-url', 'https://incremental.example', '--images', 'hotlink'], { timeout: buildTimeoutMs });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** The search shards the build manifest records: shard → page file → hash of its searched part, primary shard first. */
function searchRecord(site: string): Record<string, Record<string, string>> {
  return (JSON.parse(readFileSync(join(site, '.wirefold-build.json'), 'utf8')) as { search: Record<string, Record<string, string>> }).search;
}

/** The version of the search index that the site's search page names (data-index, build-inputs.ts searchIndexVersion). */
function searchVersion(site: string): string | undefined {
  return /data-index="([^"]+)"/.exec(readFileSync(join(site, 'search/index.html'), 'utf8'))?.[1];
}

describe('wirefold build, incremental', () => {
  let folder: string;
  let storePath: string;
  let site: string;
  let first: Map<string, FileState>;
  let firstVersion: string | undefined;

  beforeAll(async () => {
    folder = tempFolder();
    storePath = join(folder, 'store.db');
    site = join(folder, 'site');
    await generateSyntheticStore(storePath, { stories: 40, articles: 100, topics: 6, outlets: 12, days: 8, seed: 7 });
    build(storePath, site);
    first = snapshot(site);
    firstVersion = searchVersion(site);
  }, buildTimeoutMs);

  it('does nothing when nothing the site shows has changed', () => {
    const output = build(storePath, site);
    expect(output).toMatch(/site is up to date/);
    expect(snapshot(site)).toEqual(first);
  }, buildTimeoutMs);

  it('indexes search in shards: topics with Pagefind\'s scripts, each week of stories with its index files only, all named in the search page', () => {
    const search = searchRecord(site);
    const shards = Object.keys(search);
    expect(shards[0]).toBe('topics');
    expect(existsSync(join(site, 'pagefind/topics/pagefind-ui.js'))).toBe(true);
    const weeks = shards.slice(1);
    // Eight days of stories span two ISO weeks or more.
    expect(weeks.length).toBeGreaterThanOrEqual(2);
    expect(weeks.every((shard) => /^stories-\d{4}-W\d{2}$/.test(shard))).toBe(true);
    expect([...weeks].sort().reverse()).toEqual(weeks);
    const searchPage = readFileSync(join(site, 'search/index.html'), 'utf8');
    for (const shard of weeks) {
      expect(existsSync(join(site, 'pagefind', shard, 'pagefind-entry.json')), shard).toBe(true);
      expect(existsSync(join(site, 'pagefind', shard, 'pagefind.js')), shard).toBe(false);
      expect(searchPage).toContain(`/pagefind/${shard}/`);
      expect(Object.keys(search[shard]!).every((file) => /^stories\/[^/]+\/index\.html$/.test(file))).toBe(true);
    }
    // Every searched page is in one shard only.
    const pages = Object.values(search).flatMap((files) => Object.keys(files));
    expect(new Set(pages).size).toBe(pages.length);
  });

  it('after one new story, rewrites only the files that must change and matches a full build byte for byte', async () => {
    const [newStory] = await addSyntheticStories(storePath, 1, 11);
    const output = build(storePath, site);
    expect(output).toMatch(/\d+ changed files of stories, days and topics rendered, \d+ kept; search: 2 of \d+ shards indexed/);
    const after = snapshot(site);

    const fromScratch = join(folder, 'from-scratch');
    expect(build(storePath, fromScratch)).not.toMatch(/up to date|kept/);
    const full = snapshot(fromScratch);
    expect([...after.keys()]).toEqual([...full.keys()]);
    for (const [file, state] of after) {
      if (file !== markerName) expect(state.sha256, file).toBe(full.get(file)!.sha256);
    }

    // Every file whose bytes did not change is the very file of the previous site (not rewritten, not copied).
    const rewritten: string[] = [];
    for (const [file, state] of after) {
      const before = first.get(file);
      if (before && before.sha256 === state.sha256) expect(state.inode, file).toBe(before.inode);
      else rewritten.push(file);
    }
    expect(rewritten).toContain(`stories/${newStory}/index.html`);
    expect(rewritten).toContain('index.html');
    // The story's archive day and topic are among them; most of the site is not.
    expect(rewritten.some((file) => /^archive\/\d{4}-\d{2}-\d{2}\/index\.html$/.test(file))).toBe(true);
    expect(rewritten.some((file) => /^topics\/[^/]+\/rss\.xml$/.test(file))).toBe(true);
    expect(rewritten.length).toBeLessThan(after.size / 3);
    // Every page of the dynamic routes it rendered had to change: no page hash covers data its page does not show (as
    // a topic's did its related topics' story counts, re-rendering 184 of bench/build's 200 topics after 50 stories).
    const rendered = Number(/(\d+) changed files of stories, days and topics rendered/.exec(output)![1]);
    expect(rendered).toBe(rewritten.filter((file) => /^(stories|archive|topics|topic-index)\/.+\/(index\.html|rss\.xml|atom\.xml|feed\.json)$/.test(file)).length);

    // Search: the new story's week (the newest) is indexed again, every older week's shard is the very same files.
    const search = searchRecord(site);
    const shards = Object.keys(search);
    const newWeek = shards.find((shard) => `stories/${newStory}/index.html` in search[shard]!);
    expect(newWeek).toBe(shards[1]);
    expect(rewritten.some((file) => file.startsWith(`pagefind/${newWeek}/`))).toBe(true);
    const olderWeeks = shards.slice(2);
    expect(olderWeeks.length).toBeGreaterThan(0);
    for (const shard of olderWeeks) expect(rewritten.filter((file) => file.startsWith(`pagefind/${shard}/`)), shard).toEqual([]);
    // The search page names a new version of the index (a shard was indexed again under its name), so a copy of it
    // kept open opens the index again at its next search (search-page.ts); a full build names the same version.
    expect(firstVersion).toMatch(/^[\w-]{43}$/);
    expect(searchVersion(site)).toMatch(/^[\w-]{43}$/);
    expect(searchVersion(site)).not.toBe(firstVersion);
    expect(searchVersion(fromScratch)).toBe(searchVersion(site));
  }, 2 * buildTimeoutMs);
});
