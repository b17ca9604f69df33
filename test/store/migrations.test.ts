import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, schemaVersion } from '../../src/store/store.ts';
import { migrations } from '../../src/store/migrations.ts';
import { sqlOf } from '../../src/store/connection.ts';
import { backends, storeAtVersion } from '../backends.ts';
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

const articleAtVersion8 = [
  "INSERT INTO feeds (url, added_at) VALUES ('https://outlet.example/feed', '2026-11-30')",
  `INSERT INTO articles (feed_id, title, summary, content_html, published_at, first_seen_at, updated_at, content_hash, text_fingerprint)
    VALUES (1, 'Kept title', 'Kept summary', '', '2026-11-30', '2026-11-30', '2026-11-30', 'hash', 'print')`,
];

describe.each(backends)('migration 9 on $name', (backend) => {
  it('drops the unread text fingerprint and keeps every article', async () => {
    const store = await openStore(await storeAtVersion(backend.name, 8, articleAtVersion8));
    try {
      expect(await schemaVersion(store)).toBe(migrations.length);
      const rows = await sqlOf(store).all<Record<string, unknown>>('SELECT * FROM articles');
      expect(rows.map((row) => [row.title, row.summary, row.content_hash])).toEqual([['Kept title', 'Kept summary', 'hash']]);
      expect(Object.keys(rows[0]!)).not.toContain('text_fingerprint');
    } finally {
      await store.close();
    }
  });
});
