// Opens the one SQLite file Wirefold keeps everything in, brings its schema up to date and runs transactions.
import { DatabaseSync } from 'node:sqlite';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrations } from './migrations.ts';

export const defaultStorePath = 'data/wirefold.db';

export interface Store {
  readonly db: DatabaseSync;
  readonly path: string;
  /** Runs fn inside one transaction: all of it lands, or none of it does. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Refuse to create the store when there is none (commands that only read or refine one); default: create it. */
  mustExist?: boolean;
}

/** Thrown by openStore with `mustExist` when the path holds no store: a typo must never start an empty one. */
export class StoreMissingError extends Error {
  override name = 'StoreMissingError';
  readonly path: string;
  constructor(path: string) {
    super(`no store at ${path} (start one with \`wirefold feeds import <file.opml>\` or \`wirefold feeds add <url>\`)`);
    this.path = path;
  }
}

/**
 * The real path of an existing store (symlinks resolved, so two names of one file are one store, and one lock).
 * Throws StoreMissingError when there is no file, and an Error when the path is a folder.
 */
export function existingStorePath(path: string): string {
  const fullPath = resolve(path);
  if (!existsSync(fullPath)) throw new StoreMissingError(path);
  if (statSync(fullPath).isDirectory()) throw new Error(`${fullPath} is a folder, not a store file`);
  return realpathSync(fullPath);
}

export function openStore(path: string = defaultStorePath, options: OpenOptions = {}): Store {
  const fullPath = path === ':memory:' ? path : resolve(path);
  // A missing store is refused only when it must exist; a folder, always.
  if (fullPath !== ':memory:' && (options.mustExist || existsSync(fullPath))) existingStorePath(path);
  if (!options.readOnly && fullPath !== ':memory:') mkdirSync(dirname(fullPath), { recursive: true });
  const db = new DatabaseSync(fullPath, { readOnly: options.readOnly ?? false });
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  // Another program's SQLite file (a mistyped --db) is never touched: no WAL switch, no migrations.
  if (schemaVersion(db) === 0 && (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0) {
    db.close();
    throw new Error(`${fullPath} is not a Wirefold store (it is another program's database); name another file with --db`);
  }
  if (!options.readOnly) {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    migrate(db);
  } else if (schemaVersion(db) < migrations.length) {
    throw new Error(`the store at ${fullPath} is older than this Wirefold; run any stage once to upgrade it`);
  }

  let depth = 0;
  return {
    db,
    path: fullPath,
    transaction<T>(fn: () => T): T {
      // Nested calls join the outer transaction, so a stage can compose helpers that each ask for one.
      if (depth > 0) return fn();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  return row.user_version;
}

function migrate(db: DatabaseSync): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`the store is at schema version ${current}, newer than this Wirefold (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** SQLite keeps lists as JSON text; these two keep the conversion in one place. */
export const toJson = (value: unknown): string => JSON.stringify(value);
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
