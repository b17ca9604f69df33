import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, schemaVersion } from '../../src/store/store.ts';
import { migrations } from '../../src/store/migrations.ts';
import { tempFolder, sqliteDb } from '../helpers.ts';

describe('store migrations', () => {
  it('creates every table family on a new file, in WAL mode, at the latest version', async () => {
    const path = join(tempFolder(), 'nested', 'wirefold.db');
    const store = await openStore(path);
    expect(await schemaVersion(store)).toBe(migrations.length);
    const tables = (sqliteDb(store).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['feeds', 'articles', 'article_sources', 'embeddings', 'stories', 'story_articles', 'topics', 'topic_stories', 'related_stories', 'runs']));
    expect((sqliteDb(store).prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    await store.close();
  });

  it('reopens an existing file without re-running migrations or losing data', async () => {
    const path = join(tempFolder(), 'wirefold.db');
    const first = await openStore(path);
    sqliteDb(first).prepare("INSERT INTO feeds (url, added_at) VALUES ('https://example.com/feed', '2026-01-01')").run();
    await first.close();
    const second = await openStore(path);
    expect(await schemaVersion(second)).toBe(migrations.length);
    expect((sqliteDb(second).prepare('SELECT count(*) AS n FROM feeds').get() as { n: number }).n).toBe(1);
    await second.close();
  });

  it('refuses a file from a newer Wirefold instead of guessing', async () => {
    const path = join(tempFolder(), 'future.db');
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    raw.close();
    await expect(openStore(path)).rejects.toThrow(/newer than this Wirefold/);
  });

  it('keeps the columns an older Wirefold still writes: its article insert works on the latest schema', async () => {
    // text_fingerprint is written empty now (src/store/articles.ts) but not dropped, so a process of the version
    // before, still running against the store after an upgrade, can go on storing articles.
    const store = await openStore(join(tempFolder(), 'older-writer.db'));
    const db = sqliteDb(store);
    db.prepare("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/feed', '2026-12-01')").run();
    db.prepare(`INSERT INTO articles (feed_id, canonical_url, original_url, title, summary, content_html, author, image, categories,
      published_at, date_flag, first_seen_at, updated_at, content_hash, text_fingerprint, copy_of)
      VALUES (1, NULL, NULL, 'Title', 'Summary', '', NULL, NULL, '[]', '2026-12-01', NULL, '2026-12-01', '2026-12-01', 'hash', 'e2445f6c113fbd75d8cabf8a', NULL)`).run();
    expect((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n).toBe(1);
    await store.close();
  });

  it('rolls a failed transaction back completely', async () => {
    const store = await openStore(join(tempFolder(), 'tx.db'));
    await expect(store.transaction(async () => {
      sqliteDb(store).prepare("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/feed', 'x')").run();
      throw new Error('half-way failure');
    })).rejects.toThrow('half-way failure');
    expect((sqliteDb(store).prepare('SELECT count(*) AS n FROM feeds').get() as { n: number }).n).toBe(0);
    await store.close();
  });
});
