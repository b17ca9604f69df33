import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, schemaVersion } from '../../src/store/store.ts';
import { migrations } from '../../src/store/migrations.ts';
import { tempFolder } from '../helpers.ts';

describe('store migrations', () => {
  it('creates every table family on a new file, in WAL mode, at the latest version', () => {
    const path = join(tempFolder(), 'nested', 'wirefold.db');
    const store = openStore(path);
    expect(schemaVersion(store.db)).toBe(migrations.length);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['feeds', 'articles', 'article_sources', 'embeddings', 'stories', 'story_articles', 'topics', 'topic_stories', 'related_stories', 'runs']));
    expect((store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    store.close();
  });

  it('reopens an existing file without re-running migrations or losing data', () => {
    const path = join(tempFolder(), 'wirefold.db');
    const first = openStore(path);
    first.db.prepare("INSERT INTO feeds (url, added_at) VALUES ('https://example.com/feed', '2026-01-01')").run();
    first.close();
    const second = openStore(path);
    expect(schemaVersion(second.db)).toBe(migrations.length);
    expect((second.db.prepare('SELECT count(*) AS n FROM feeds').get() as { n: number }).n).toBe(1);
    second.close();
  });

  it('refuses a file from a newer Wirefold instead of guessing', () => {
    const path = join(tempFolder(), 'future.db');
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(/newer than this Wirefold/);
  });

  it('rolls a failed transaction back completely', () => {
    const store = openStore(join(tempFolder(), 'tx.db'));
    expect(() => store.transaction(() => {
      store.db.prepare("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/feed', 'x')").run();
      throw new Error('half-way failure');
    })).toThrow('half-way failure');
    expect((store.db.prepare('SELECT count(*) AS n FROM feeds').get() as { n: number }).n).toBe(0);
    store.close();
  });
});
