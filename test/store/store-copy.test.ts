// `wirefold store copy`: real SQLite files and a real PostgreSQL server (when WIREFOLD_TEST_POSTGRES names one), a
// store that fills every table, and the real command for refusals and Ctrl-C.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, readStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { copyStore } from '../../src/store/copy.ts';
import { SameStoreError, TargetInUseError } from '../../src/store/copy-ends.ts';
import { columnsNotCopied, tablesNotCopied } from '../../src/store/copy-plan.ts';
import { pauseHost } from '../../src/store/hosts.ts';
import { leaseDueFeeds, listFeeds, recordFetch, upsertFeed } from '../../src/store/feeds.ts';
import { unclusteredArticles } from '../../src/store/articles.ts';
import { saveFeedItems } from '../../src/ingest/save-items.ts';
import { loadEmbeddings, saveEmbeddings, textsMissingEmbeddings } from '../../src/store/embeddings.ts';
import { mergeStories, relatedOf, replaceRelated, saveMemberships, updateStory } from '../../src/store/stories.ts';
import { saveStoryProfiles, storyProfiles } from '../../src/store/story-profiles.ts';
import { addStoryTopics, addTermDocuments, ensureTopic, listTopics, loadTopicProfiles, saveTopicProfile, termDocumentCounts } from '../../src/store/topics.ts';
import { finishRun, recentRuns, startRun } from '../../src/store/runs.ts';
import { articlesByStory, liveStories, mergedStories, topicStoryLinks } from '../../src/store/site-reads.ts';
import { markAsDemoStore, isDemoStore } from '../../src/store/demo-marker.ts';
import { StoreLocationError } from '../../src/store/location.ts';
import type { FeedItem } from '../../src/model/feed-item.ts';
import { runWirefold, sqliteDb, tempFolder } from '../helpers.ts';
import { freshPostgresLocation, postgresSkipReason } from '../backends.ts';

const now = '2026-11-20T12:00:00.000Z';
const WIRE = 'Rocket Lab launched ten weather satellites from New Zealand on Tuesday, the company said, adding that all ' +
  'of them reached their planned orbit and began sending data within hours of the launch.';
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function item(guid: string, title: string, summary: string, published = now): FeedItem {
  return {
    guid, title, url: `https://news.example/${guid}`, originalUrl: `https://news.example/${guid}`, published, updated: null, dateFlag: null,
    author: guid === 'a' ? 'Zoë Ünicode — “quoted”' : null, summary, contentHtml: `<p>${summary}</p>\n\t<p>tab, newline, 💫</p>`,
    image: null, categories: ['Space'],
  };
}

/**
 * A store with at least one row in every table, through the store's own functions, with the awkward cases: a story
 * merged into one that sorts after it, a near-copy pointing at its original, vectors with tiny and negative floats,
 * text with non-ASCII, tabs and newlines, a leased feed, a paused host, the demo's mark.
 */
async function fillStore(store: Store): Promise<void> {
  const wire = await upsertFeed(store, { url: 'https://wire.example/feed', title: 'Wire', tags: ['space'] }, now);
  const paper = await upsertFeed(store, { url: 'https://paper.example/feed', title: 'Paper' }, now);
  await recordFetch(store, paper, { fetchedAt: now, status: 500, error: 'HTTP 500', nextFetchAt: now });
  await saveFeedItems(store, wire, [item('a', 'Satellites launched', WIRE), item('b', 'Other news', 'Something else entirely happened today in the city council.', '2026-11-20T13:00:00.000Z')], now);
  await saveFeedItems(store, paper, [item('p', 'Ten satellites reach orbit', `WELLINGTON — ${WIRE}`)], now);
  const articles = await unclusteredArticles(store);
  const tasks = await textsMissingEmbeddings(store, 'm');
  await saveEmbeddings(store, 'm', tasks.map((task, index) => ({ contentHash: task.contentHash, vector: new Float32Array([0.1 * index, -2.5, Math.PI, 1e-30]) })));
  const storyIds = ['s-a', 's-b', 's-c'];
  await saveMemberships(store, articles.map((article, index) => ({ articleId: article.id, storyId: storyIds[index]! })), now);
  for (const [index, id] of storyIds.entries()) {
    const lead = articles[index]!;
    await updateStory(store, { id, title: lead.title, leadArticleId: lead.id, score: index / 3, firstPublishedAt: lead.publishedAt,
      lastPublishedAt: lead.publishedAt, articleCount: 1, sourceCount: 1 }, now);
  }
  await replaceRelated(store, 's-b', [{ id: 's-c', similarity: 0.4 }]);
  const topic = await ensureTopic(store, { slug: 'space', label: 'Space', description: 'Rockets', keywords: ['space'], origin: 'seed' }, now);
  await addStoryTopics(store, 's-b', [{ topicId: topic, weight: 0.7 }], now);
  await saveStoryProfiles(store, 'm', [{ id: 's-b', sum: new Float32Array([1, -0.5]), size: 1, words: new Map([['rocket', 1]]), wordWeight: 0.3 }]);
  await saveTopicProfile(store, 'm', { topicId: topic, vectorSum: new Float32Array([0.5, 0.25]), termSums: new Map([['rocket', 2]]), stories: 1 });
  await addTermDocuments(store, [['rocket', 'orbit'], ['rocket']]);
  await finishRun(store, await startRun(store, 'cluster'), true, { placed: 3 });
  await startRun(store, 'ingest'); // one still running: ended_at and ok stay null
  // 's-a' is merged into 's-b', which sorts after it: the copy must not insert rows in an order the keys forbid.
  await mergeStories(store, 's-a', 's-b');
  await leaseDueFeeds(store, { worker: 'worker-1', now, runStartedAt: now, leaseSeconds: 600, limit: 1 });
  // A host that asked every worker to wait (a 429/503); on PostgreSQL the lease above also leased wire.example.
  await pauseHost(store, 'paper.example', '2026-12-01T00:00:00.000Z');
}

async function filledSqliteStore(folder = tempFolder()): Promise<string> {
  const path = join(folder, 'source.db');
  const store = await openStore(path);
  await fillStore(store);
  await markAsDemoStore(store);
  await store.close();
  return path;
}

/** What the site and the stages read from a store, through the store's own read functions. */
async function siteData(location: string) {
  return readStore(location, async (store) => ({
    live: await liveStories(store),
    merged: await mergedStories(store),
    articles: [...(await articlesByStory(store)).entries()],
    topics: await listTopics(store),
    topicLinks: await topicStoryLinks(store),
    related: [...(await relatedOf(store, ['s-a', 's-b', 's-c'])).entries()],
    profiles: [...(await storyProfiles(store, 'm', ['s-b'])).entries()],
    topicProfiles: await loadTopicProfiles(store, 'm'),
    terms: await termDocumentCounts(store, ['rocket', 'orbit']),
    runs: await recentRuns(store),
    feeds: await listFeeds(store),
    vectors: [...(await loadEmbeddings(store, 'm', (await sqlOf(store).all<{ content_hash: string }>('SELECT content_hash FROM embeddings ORDER BY content_hash')).map((row) => row.content_hash))).entries()],
  }));
}

/** Every table of a fresh store's schema, by name. */
async function schemaTables(location: string): Promise<string[]> {
  const store = await openStore(location);
  try {
    const sql = store.kind === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
      : 'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename';
    return (await sqlOf(store).all<{ name: string }>(sql)).map((row) => row.name);
  } finally {
    await store.close();
  }
}

/** The files in a folder, but SQLite's shared-memory and log files, which any reader of a WAL store may leave. */
/**
 * Copies `source` to a new SQLite file while another connection adds a feed to the source after the copy's first feed
 * row; returns how many feeds the copy holds and how many the source holds after.
 */
async function copyWhileAddingAFeed(source: string): Promise<{ verified: boolean; copied: number; sourceAfter: number }> {
  const writer = await openStore(source);
  let wrote = false;
  try {
    const report = await copyStore(source, join(tempFolder(), 'copy.db'), {
      batchRows: 1,
      onBatch: async (table) => {
        if (table !== 'feeds' || wrote) return;
        wrote = true;
        await upsertFeed(writer, { url: 'https://late.example/feed' }, now);
      },
    });
    return { verified: report.verified, copied: report.tables.find((table) => table.table === 'feeds')!.targetRows, sourceAfter: (await listFeeds(writer)).length };
  } finally {
    await writer.close();
  }
}

/** Runs SQL on a SQLite store file behind Wirefold's back, as another program or an old bug might have. */
function rawSql(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** A membership whose article does not exist: SQLite lets it in with foreign keys off; a copy must refuse it. */
const breakKey = (path: string) => rawSql(path, "PRAGMA foreign_keys = OFF; INSERT INTO story_articles (article_id, story_id) VALUES (424242, 's-b')");

/** How many tables the PostgreSQL schema at `url` holds. */
async function postgresTableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()')).rows[0].n as number;
  } finally {
    await client.end();
  }
}

const filesIn = (folder: string) => readdirSync(folder).filter((name) => !/-(shm|wal)$/.test(name)).sort();

describe('store copy between SQLite files', () => {
  it('copies every table of the schema (or names why not), verified, and the copy reads back as the same site', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    const before = digest(source);
    const target = join(folder, 'nested', 'copy.db');
    const report = await copyStore(source, target);
    expect(report.verified).toBe(true);

    // Every table a fresh store has is copied or named as not copied; the fixture gives each copied one rows, so a
    // table added by a later migration fails here until the fixture fills it (and the copy is seen to carry it).
    const copied = report.tables.map((table) => table.table).sort();
    const fresh = await schemaTables(join(folder, 'fresh.db'));
    expect([...copied, ...Object.keys(tablesNotCopied).filter((table) => fresh.includes(table))].sort()).toEqual(fresh);
    for (const table of report.tables) {
      expect(table.sourceRows, table.table).toBeGreaterThan(0);
      expect([table.targetRows, table.targetChecksum]).toEqual([table.sourceRows, table.sourceChecksum]);
    }
    for (const column of Object.keys(columnsNotCopied)) expect(fresh).toContain(column.split('.')[0]);

    expect(readdirSync(join(folder, 'nested'))).toEqual(['copy.db']); // one file, no temporary one left
    expect(await siteData(target)).toEqual(await siteData(source));
    expect(digest(source)).toBe(before); // never written
    // Leases are work state (the source's were taken), and the demo's mark is not copied: the copy is the user's own.
    const leases = sqliteDb(await openStore(target)).prepare('SELECT count(*) AS n FROM feeds WHERE lease_until IS NOT NULL OR leased_by IS NOT NULL').get();
    expect(leases).toEqual({ n: 0 });
    expect(new DatabaseSync(source).prepare('SELECT count(*) AS n FROM feeds WHERE leased_by IS NOT NULL').get()).toEqual({ n: 1 });
    expect([await isDemoStore(source), await isDemoStore(target)]).toEqual([true, false]);
  });

  it('copies one snapshot while another process writes to the source', async () => {
    expect(await copyWhileAddingAFeed(await filledSqliteStore())).toEqual({ verified: true, copied: 2, sourceAfter: 3 });
  });

  it('refuses a target that exists, the source as target, an unknown scheme and a missing source, changing nothing', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    const other = join(folder, 'other.db');
    writeFileSync(other, 'not mine');
    await expect(copyStore(source, other)).rejects.toThrow(TargetInUseError);
    expect(readFileSync(other, 'utf8')).toBe('not mine');
    await expect(copyStore(source, `sqlite:${source}`)).rejects.toThrow(SameStoreError);
    await expect(copyStore(source, 'mysql://db/x')).rejects.toThrow(StoreLocationError);
    await expect(copyStore(join(folder, 'absent.db'), join(folder, 'copy.db'))).rejects.toThrow('no store at');
    expect(filesIn(folder)).toEqual(['other.db', 'source.db']);
  });

  it('leaves no target when a row breaks a key on the way, or the target folder cannot be made', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    // A membership whose article does not exist: SQLite let it in with its foreign keys off; the copy checks them.
    breakKey(source);
    await expect(copyStore(source, join(folder, 'copy.db'))).rejects.toThrow(/story_articles.*does not exist/);
    writeFileSync(join(folder, 'a-file'), '');
    await expect(copyStore(source, join(folder, 'a-file', 'copy.db'))).rejects.toThrow(/^cannot write a store at .*copy\.db: /);
    expect(filesIn(folder)).toEqual(['a-file', 'source.db']);
  });
});

describe('wirefold store copy (the command)', () => {
  it('prints the verification table, refuses with one line and the documented exit codes, and explains itself', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    const target = join(folder, 'copy.db');
    const copied = runWirefold(['store', 'copy', source, target]);
    expect([copied.status, copied.stderr]).toEqual([0, expect.stringMatching(/^(store copy: rows copied: \d+\/\d+\n)+(store copy: tables verified: \d+\/\d+\n)+$/)]);
    expect(copied.stdout).toMatch(/^articles\s+3\s+ok$/m);
    expect(copied.stdout).toMatch(/counts and checksums equal/);
    const before = digest(target);
    const again = runWirefold(['store', 'copy', source, target]);
    expect([again.status, again.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(again.stderr).toMatch(/exists; a copy never overwrites/);
    expect(digest(target)).toBe(before);
    expect(runWirefold(['store', 'copy', source, source]).status).toBe(2);
    expect(runWirefold(['store', 'copy', source, 'mysql://x/y']).status).toBe(2);
    expect(runWirefold(['store', 'copy', source]).status).toBe(2);
    const missing = runWirefold(['store', 'copy', join(folder, 'absent.db'), join(folder, 'b.db')]);
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/^wirefold store: no store at .*absent\.db/)]);
    expect(existsSync(join(folder, 'absent.db'))).toBe(false);
    const help = runWirefold(['store', '--help']);
    expect(help.stdout).toMatch(/wirefold store copy <from> <to>/);
    expect(help.stdout).toMatch(/Exit codes: 0 copied and verified/);
  });

  it('leaves no target when stopped by Ctrl-C mid-copy', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    // Enough rows that the copy takes a while: 60,000 articles of 1 KB.
    rawSql(source, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
      INSERT INTO articles (feed_id, canonical_url, title, summary, content_html, published_at, first_seen_at, updated_at, content_hash, text_fingerprint)
      SELECT 1, 'https://bulk.example/' || i, 'Bulk ' || i, 'summary', printf('%.1000c', 'x'), '${now}', '${now}', '${now}', 'h' || i, 'f' || i FROM n`);
    const target = join(folder, 'copy.db');
    const child = spawn(process.execPath, ['scripts/wirefold.mjs', 'store', 'copy', source, target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Stop it at its first progress line: a batch of rows is in the temporary file, the rest still to come.
    while (!/store copy: rows copied: \d+\/60\d{3}\n/.test(stderr) && child.exitCode === null) await new Promise((done) => setTimeout(done, 5));
    expect(filesIn(folder).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopped \(SIGINT\)/);
    expect(filesIn(folder)).toEqual(['source.db']);
  });
});

describe.skipIf(postgresSkipReason)('store copy with PostgreSQL', () => {
  it('round-trips SQLite → PostgreSQL → SQLite with equal checksums and the same site, and the PostgreSQL copy takes new writes', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    const postgres = await freshPostgresLocation('copy');
    // One row per statement: the story merged into a later one goes in before it, so foreign keys must wait.
    const there = await copyStore(source, postgres, { batchRows: 1 });
    expect(there.verified).toBe(true);
    const back = join(folder, 'back.db');
    const home = await copyStore(postgres, back);
    expect(home.verified).toBe(true);
    expect(home.tables).toEqual(there.tables);
    expect(await siteData(postgres)).toEqual(await siteData(source));
    expect(await siteData(back)).toEqual(await siteData(source));
    // Sequences advanced: the next feed, article, topic and run get fresh ids instead of colliding with copied ones.
    const added = runWirefold(['feeds', 'add', 'https://new.example/feed', '--db', postgres]);
    expect([added.status, added.stdout.trim()]).toEqual([0, 'feed 3: https://new.example/feed']);
    const store = await openStore(postgres);
    const run = await startRun(store, 'build');
    expect(run).toBe(3);
    await saveFeedItems(store, 3, [item('n', 'A new story', 'Brand new words about a brand new event, nothing like the others.')], now);
    expect(await sqlOf(store).get('SELECT max(id) AS id FROM articles')).toEqual({ id: 4 });
    await store.close();
    // PostgreSQL to PostgreSQL, another schema of the same server.
    const again = await copyStore(postgres, await freshPostgresLocation('copy2'));
    expect(again.verified).toBe(true);
  });

  it('refuses a PostgreSQL target that holds data or is the source, and leaves an empty schema empty on failure', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    const postgres = await freshPostgresLocation('refuse');
    await copyStore(source, postgres);
    const before = await siteData(postgres);
    await expect(copyStore(source, postgres)).rejects.toThrow(/already holds data/);
    await expect(copyStore(postgres, postgres)).rejects.toThrow(SameStoreError);
    // Another spelling of the same schema is the same store too.
    await expect(copyStore(postgres, postgres.replace(/^postgres:/, 'postgresql:'))).rejects.toThrow(SameStoreError);
    const cli = runWirefold(['store', 'copy', source, postgres]);
    expect([cli.status, cli.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(await siteData(postgres)).toEqual(before);

    breakKey(source);
    const empty = await freshPostgresLocation('broken');
    await expect(copyStore(source, empty)).rejects.toThrow(/foreign key/);
    expect(await postgresTableCount(empty)).toBe(0);
  });

  it('reports a copy that differs (bytes in a text column come back as text) and leaves no target', async () => {
    const folder = tempFolder();
    const source = await filledSqliteStore(folder);
    // SQLite keeps whatever it is given; PostgreSQL turns the bytes into the text "\x6869".
    rawSql(source, "UPDATE stories SET title = X'6869' WHERE id = 's-c'");
    const target = await freshPostgresLocation('differs');
    const report = await copyStore(source, target);
    expect(report.verified).toBe(false);
    expect(report.tables.filter((table) => table.sourceChecksum !== table.targetChecksum).map((table) => table.table)).toEqual(['stories']);
    const cli = runWirefold(['store', 'copy', source, target]);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/^stories\s+3\s+DIFFERS$/m);
    expect(cli.stderr).toMatch(/^wirefold store: the copy differs from .*; nothing was written to/m);
    expect(await postgresTableCount(target)).toBe(0);
  });

  it('copies one PostgreSQL snapshot while another connection writes to it', async () => {
    const postgres = await freshPostgresLocation('snapshot');
    const store = await openStore(postgres);
    await fillStore(store);
    await store.close();
    expect(await copyWhileAddingAFeed(postgres)).toEqual({ verified: true, copied: 2, sourceAfter: 3 });
  });
});

if (postgresSkipReason) describe.skip(`store copy with PostgreSQL: ${postgresSkipReason}`, () => it('runs the suite above', () => undefined));
