// The whole pipe, as a newcomer runs it: `wirefold demo` on the bundled samples into a temporary folder.
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { openStore } from '../../src/store/store.ts';
import { runWirefold, tempFolder, sqliteDb } from '../helpers.ts';

let folder: string;
let output: { status: number | null; stdout: string; stderr: string };

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? htmlFiles(path) : name.endsWith('.html') ? [path] : [];
  });
}

describe('wirefold demo', () => {
  beforeAll(() => {
    folder = tempFolder();
    // As a newcomer runs it: the demo's defaults, from a folder that has no data/ yet.
    output = runWirefold(['demo'], { cwd: folder, timeout: 300_000 });
  }, 300_000);

  it('runs every stage and ends with a summary line for each', () => {
    expect(output.status, output.stderr).toBe(0);
    expect(output.stdout).toMatch(/ingest: 10 feeds, 10 fetched, .* 0 failed; 15\d new articles/);
    expect(output.stdout).toMatch(/embed: 15\d texts embedded/);
    expect(output.stdout).toMatch(/cluster: 15\d articles placed/);
    expect(output.stdout).toMatch(/build: \d+ pages/);
  });

  it('groups the multi-outlet stories of the samples into stories with several sources', async () => {
    const store = await openStore(join(folder, 'data', 'demo.db'), { readOnly: true });
    const storyOf = (pattern: string) => sqliteDb(store).prepare(
      `SELECT sa.story_id AS id, count(*) AS n FROM articles a JOIN story_articles sa ON sa.article_id = a.id
       WHERE a.title LIKE ? GROUP BY sa.story_id ORDER BY n DESC LIMIT 1`).get(pattern) as { id: string; n: number };
    const sources = (id: string) => (sqliteDb(store).prepare('SELECT source_count FROM stories WHERE id = ?').get(id) as { source_count: number }).source_count;
    for (const [pattern, minimumSources] of [['%Zuckerberg%', 4], ['%Aquila%', 3], ['%parody%', 3], ['%tariff%', 3]] as const) {
      const story = storyOf(pattern);
      expect(sources(story.id), pattern).toBeGreaterThanOrEqual(minimumSources);
    }
    // Unrelated stories stay apart: the antitrust trial is not the outage.
    expect(storyOf('%Zuckerberg%').id).not.toBe(storyOf('%outage%').id);
    await store.close();
  });

  // The samples' multi-outlet threads (content/samples/README.md): every headline carrying a thread's match token in
  // one story, and nothing else in it: next-day follow-ups included (S1, S2, S6; follow-up.ts), near misses apart.
  it('makes exactly one story of each of the seven threads S1-S7, follow-ups in and near misses out', async () => {
    const store = await openStore(join(folder, 'data', 'demo.db'), { readOnly: true });
    const rows = sqliteDb(store).prepare('SELECT a.title, sa.story_id AS story FROM articles a JOIN story_articles sa ON sa.article_id = a.id').all() as { title: string; story: string }[];
    await store.close();
    for (const token of ['outage', 'zuckerberg', 'aquila', 'fossil record', 'parody', 'tariff', 'group']) {
      const own = rows.filter((row) => row.title.toLowerCase().includes(token));
      const stories = new Set(own.map((row) => row.story));
      const thread = { token, stories: stories.size, intruders: rows.filter((row) => stories.has(row.story) && !row.title.toLowerCase().includes(token)).map((row) => row.title) };
      expect(thread).toEqual({ token, stories: 1, intruders: [] });
    }
  });

  it('builds a home page, story pages, topic pages and topic feeds', () => {
    const dist = join(folder, 'dist-demo');
    const home = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(home).toContain('Top stories');
    expect(home).toMatch(/Zuckerberg/);
    const stories = readdirSync(join(dist, 'stories'));
    expect(stories.length).toBeGreaterThan(20);
    for (const id of stories.slice(0, 5)) expect(existsSync(join(dist, 'stories', id, 'index.html'))).toBe(true);
    // The sidebar: strict related stories where there are some, else the latest of the story's topic.
    const sidebars = stories.filter((id) => existsSync(join(dist, 'stories', id, 'index.html')))
      .map((id) => readFileSync(join(dist, 'stories', id, 'index.html'), 'utf8'));
    expect(sidebars.some((page) => />Related stories</.test(page) && !/None yet/.test(page))).toBe(true);
    expect(sidebars.some((page) => /More in <a href="[^"]*\/topics\//.test(page))).toBe(true);

    const feed = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(dist, 'topics', 'meta', 'rss.xml'), 'utf8'));
    const items = [feed.rss.channel.item].flat();
    expect(items.length).toBeGreaterThan(1);
    for (const item of items) {
      expect(item.title).toBeTruthy();
      expect(item.link).toMatch(/\/stories\/[0-9a-f]{10}\/$/);
      expect(item.guid['#text']).toMatch(/^wirefold-story-/);
      expect(new Date(item.pubDate).toUTCString()).toBe(item.pubDate);
    }
  });

  it('never lets hostile feed HTML reach a page', () => {
    for (const file of htmlFiles(join(folder, 'dist-demo'))) {
      const html = readFileSync(file, 'utf8');
      expect(html, file).not.toMatch(/<script[^>]*>\s*alert/i);
      expect(html, file).not.toMatch(/href="javascript:/i);
      expect(html, file).not.toMatch(/onerror=/i);
      expect(html, file).not.toMatch(/utm_source=/);
    }
  });

  it('keeps the URL of a merged story working: a redirect page to the survivor, left out of the sitemap and feeds', async () => {
    // Merging is the clusterer's decision; here two stories are marked merged by hand (one through a chain) so the
    // site's side of it is tested on its own. The copy keeps the demo store as the demo built it.
    const storePath = join(folder, 'merged.db');
    copyFileSync(join(folder, 'data', 'demo.db'), storePath);
    const store = await openStore(storePath);
    const [survivor, direct, chained] = sqliteDb(store).prepare(
      'SELECT id FROM stories WHERE merged_into IS NULL AND source_count = 1 ORDER BY id LIMIT 3').all() as { id: string }[];
    sqliteDb(store).prepare('UPDATE stories SET merged_into = ? WHERE id = ?').run(survivor!.id, direct!.id);
    sqliteDb(store).prepare('UPDATE stories SET merged_into = ? WHERE id = ?').run(direct!.id, chained!.id);
    await store.close();

    const out = join(folder, 'merged');
    const result = runWirefold(['build', '--db', storePath, '--out', out, '--site-url', 'https://example.org']);
    expect(result.status, result.stderr).toBe(0);
    for (const old of [direct!.id, chained!.id]) {
      const page = readFileSync(join(out, 'stories', old, 'index.html'), 'utf8');
      expect(page).toContain(`<meta http-equiv="refresh" content="0; url=/stories/${survivor!.id}/">`);
      expect(page).toContain(`<link rel="canonical" href="https://example.org/stories/${survivor!.id}/">`);
      expect(page).toContain(`<a href="/stories/${survivor!.id}/"`);
      expect(page).toContain('<meta name="robots" content="noindex">');
    }
    const published = [readFileSync(join(out, 'sitemap.xml'), 'utf8'), readFileSync(join(out, 'rss.xml'), 'utf8'),
      readFileSync(join(out, 'atom.xml'), 'utf8'), readFileSync(join(out, 'feed.json'), 'utf8')].join('\n');
    expect(published).not.toContain(direct!.id);
    expect(published).not.toContain(chained!.id);
    expect(readFileSync(join(out, 'sitemap.xml'), 'utf8')).toContain(`/stories/${survivor!.id}/`);
  });

  it('builds under a sub-path when given a base path, with every internal link under it', () => {
    const out = join(folder, 'sub');
    const result = runWirefold(['build', '--db', join(folder, 'data', 'demo.db'), '--out', out, '--base', '/news/', '--site-url', 'https://example.org']);
    expect(result.status, result.stderr).toBe(0);
    const home = readFileSync(join(out, 'index.html'), 'utf8');
    const internal = [...home.matchAll(/href="(\/[^"]*)"/g)].map((match) => match[1]!);
    expect(internal.length).toBeGreaterThan(10);
    for (const link of internal) expect(link).toMatch(/^\/news\//);
    expect(home).toContain('<link rel="canonical" href="https://example.org/news/"');
  });
});
