// The SQLite store: one file, node:sqlite, the zero-setup default. Calls are synchronous underneath; the asynchronous
// face only lets one Store interface serve PostgreSQL too. A transaction owns the one connection: statements from
// other call chains wait until it ends, so interleaved awaits never slip a foreign write into it.
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import { accessSync, constants, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrations, migrationSql } from './migrations.ts';
import { currentTransaction } from './connection.ts';
import type { Connection, Param, StoreBackend } from './connection.ts';
import type { OpenOptions, Store } from './store.ts';
import { existingStorePath, StoreMissingError } from './store.ts';

type SqliteValue = string | number | null | Uint8Array;

/**
 * The page cache of a connection that writes, in KiB (SQLite's default is 2,000 KiB). New articles insert at random
 * places in the indexes keyed by URL, near-copy key and date; once those outgrow the cache, each insert reads its page
 * back from the file. 32 MiB holds them for a store of about 50,000 articles: in a replay of bench/ingest's first run
 * through saveFeedItems (50,000 items, 2,000 feeds, 24 feeds per transaction; 2 rounds each at load 8–10) the store's
 * CPU time averaged 12.4 s with the default, 11.2 s with 16 MiB, 10.2 s with 32 MiB and 9.3 s with 64 MiB; 32 MiB
 * keeps most of the gain for half the memory. Pages are taken only as they are used.
 */
const WRITER_CACHE_KIB = 32 * 1024;
/**
 * How many WAL pages trigger a checkpoint (SQLite's default: 1,000). A batch of new articles dirties pages all over the
 * random-keyed indexes, so with the default the checkpoints copied the same index pages to the database file again
 * after nearly every batch; 10,000 pages (40 MB of WAL at most) copy each once per several batches (in the same
 * replay, 3 rounds with a 64 MiB cache: 9.6 s against 10.0 s of the store's CPU, within the noise of this machine).
 */
const WAL_CHECKPOINT_PAGES = 10_000;

const bind = (params: readonly Param[]): SqliteValue[] =>
  params.map((value) => (Array.isArray(value) ? JSON.stringify(value) : value as SqliteValue));

export class SqliteStore implements Store, StoreBackend, Connection {
  readonly kind = 'sqlite' as const;
  readonly dialect = 'sqlite' as const;
  readonly path: string;
  readonly db: DatabaseSync;
  // Prepared statements: preparing is ~50 µs of SQLite parsing and planning, which a per-feed or per-article write
  // path would otherwise pay thousands of times per run.
  readonly #statements = new Map<string, StatementSync>();
  /** Settles when the open transaction ends; null when none is open. */
  #busy: Promise<void> | null = null;

  constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.db = db;
  }

  get connection(): Connection {
    return this;
  }

  #statement(sql: string): StatementSync {
    let found = this.#statements.get(sql);
    if (!found) {
      found = this.db.prepare(sql);
      this.#statements.set(sql, found);
    }
    return found;
  }

  /** Runs work now, or after the open transaction when the caller is not part of it. */
  #when<T>(work: () => T): Promise<T> {
    if (this.#busy && currentTransaction.getStore() !== this) return this.#busy.then(() => this.#when(work));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  all<T>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    return this.#when(() => this.#statement(sql).all(...bind(params)) as T[]);
  }

  get<T>(sql: string, params: readonly Param[] = []): Promise<T | undefined> {
    return this.#when(() => this.#statement(sql).get(...bind(params)) as T | undefined);
  }

  run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.#when(() => Number(this.#statement(sql).run(...bind(params)).changes));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Nested calls join the outer transaction, so a stage can compose helpers that each ask for one.
    if (currentTransaction.getStore() === this) return fn();
    while (this.#busy) await this.#busy;
    let release!: () => void;
    this.#busy = new Promise((done) => (release = done));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await currentTransaction.run(this, fn);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.#busy = null;
      release();
    }
  }

  async close(): Promise<void> {
    while (this.#busy) await this.#busy;
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * Throws "cannot open the store <path>: permission denied (…)" when this user may not read it, or, for a command that
 * writes, not write it or its folder (where SQLite keeps the -wal and -shm files).
 */
function refuseInaccessible(fullPath: string, readOnly: boolean): void {
  const denied = (path: string, mode: number) => {
    try {
      accessSync(path, mode);
      return false;
    } catch {
      return true;
    }
  };
  if (denied(fullPath, constants.R_OK)) throw new Error(`cannot open the store ${fullPath}: permission denied (this user may not read it)`);
  if (readOnly) return;
  if (denied(fullPath, constants.W_OK)) throw new Error(`cannot open the store ${fullPath}: permission denied (this user may read it but not write it)`);
  // The folder of the file itself: a store reached through a symlink keeps its -wal, -shm and lock beside its target.
  if (denied(dirname(realpathSync(fullPath)), constants.W_OK)) {
    throw new Error(`cannot open the store ${fullPath}: permission denied (this user may not write its folder, where its -wal and -shm files go)`);
  }
}

/** Runs the first read of a freshly opened file; a file SQLite cannot read is closed and named in a one-line error. */
function firstRead<T>(db: DatabaseSync, fullPath: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    db.close();
    const reason = (error as Error).message;
    throw new Error(/not a database|file is encrypted/i.test(reason)
      ? `${fullPath} is not a Wirefold store (not a SQLite database); name another file with --db`
      : `cannot open the store ${fullPath}: ${reason}`);
  }
}

/** Opens (and creates, unless options say otherwise) the SQLite store at `path`; see openStore. */
export function openSqliteStore(path: string, options: OpenOptions): SqliteStore {
  const fullPath = path === ':memory:' ? path : resolve(path);
  // A missing store is refused only when it must exist; a folder, always.
  if (fullPath !== ':memory:' && (options.mustExist || existsSync(fullPath))) existingStorePath(path);
  if (!options.readOnly && fullPath !== ':memory:') mkdirSync(dirname(fullPath), { recursive: true });
  // SQLite's own words ("unable to open database file", "attempt to write a readonly database") name neither the file
  // nor the reason: a store this user may not read, or not write when the command writes, is refused here in one line.
  if (fullPath !== ':memory:' && existsSync(fullPath)) refuseInaccessible(fullPath, options.readOnly ?? false);
  const db = new DatabaseSync(fullPath, { readOnly: options.readOnly ?? false });
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  // A file that is no SQLite database at all (a mistyped --db naming a text file) fails on its first read, with
  // SQLite's own words, which do not name the file.
  const version = firstRead(db, fullPath, () => sqliteSchemaVersion(db));
  // Another program's SQLite file (a mistyped --db) is never touched: no WAL switch, no migrations.
  if (version === 0 && (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0) {
    db.close();
    throw new Error(`${fullPath} is not a Wirefold store (it is another program's database); name another file with --db`);
  }
  // An empty file (or a SQLite file without tables) is no store either: a command that reads a store must not turn it
  // into an empty one and, say, build an empty site over the real one.
  if (options.mustExist && sqliteSchemaVersion(db) === 0) {
    db.close();
    throw new StoreMissingError(path);
  }
  if (!options.readOnly) {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(`PRAGMA cache_size = -${WRITER_CACHE_KIB}; PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES};`);
    migrate(db);
  } else if (sqliteSchemaVersion(db) < migrations.length) {
    db.close();
    throw new Error(`the store at ${fullPath} is older than this Wirefold; run any stage once to upgrade it`);
  }
  return new SqliteStore(fullPath, db);
}

export function sqliteSchemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  return row.user_version;
}

function migrate(db: DatabaseSync): void {
  const current = sqliteSchemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`the store is at schema version ${current}, newer than this Wirefold (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const migration = migrations[version]!;
      db.exec(migrationSql(migration));
      if (typeof migration !== 'string') {
        const update = db.prepare(migration.fill.update);
        for (const row of db.prepare(migration.fill.select).all()) {
          const values = migration.fill.values(row as Record<string, unknown>);
          if (values) update.run(...bind(values));
        }
      }
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
