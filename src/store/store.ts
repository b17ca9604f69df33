// Opens the store a location names (a SQLite file by default, or a PostgreSQL database) behind one asynchronous
// interface. The rest of Wirefold sees only `Store` and the functions of src/store: no SQL and no driver handle.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseStoreLocation } from './location.ts';

export const defaultStorePath = 'data/wirefold.db';

export interface Store {
  /** Which engine holds the store. */
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is: the SQLite file's full path, or the PostgreSQL URL as given. Another process opens the same store with it. */
  readonly path: string;
  /**
   * Runs fn inside one transaction: all of it lands, or none of it does. Every store call fn makes (across awaits)
   * joins it; nested calls join the outer transaction.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Refuse to create the store when there is none (commands that only read or refine one); default: create it. */
  mustExist?: boolean;
  /** PostgreSQL: the most connections this process opens (default 4). */
  connections?: number;
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
 * The real path of an existing SQLite store (symlinks resolved, so two names of one file are one store, and one
 * lock). Throws StoreMissingError when there is no file, and an Error when the path is a folder.
 */
export function existingStorePath(path: string): string {
  const fullPath = resolve(path);
  if (!existsSync(fullPath)) throw new StoreMissingError(path);
  if (statSync(fullPath).isDirectory()) throw new Error(`${fullPath} is a folder, not a store file`);
  return realpathSync(fullPath);
}

/**
 * Opens the store at `location`: a file path or `sqlite:PATH` (created with its folder unless `mustExist`), or a
 * `postgres://` URL (its tables created in the connection's schema). Brings the schema up to date unless read-only.
 * Throws StoreMissingError, StoreLocationError (an unknown scheme) or an Error saying what is wrong in one line.
 */
export async function openStore(location: string = defaultStorePath, options: OpenOptions = {}): Promise<Store> {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres.ts');
    return openPostgresStore(parsed.url, options);
  }
  const { openSqliteStore } = await import('./sqlite.ts');
  return openSqliteStore(parsed.path, options);
}

/**
 * Runs `work` on the store at `location`, opened with `options` (openStore's errors) and closed again whatever
 * happens; returns what `work` returns.
 */
export async function withOpenStore<T>(location: string, options: OpenOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(location, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Runs `read` on the store at `location` opened read-only (it must exist and be up to date); see withOpenStore. */
export function readStore<T>(location: string, read: (store: Store) => Promise<T>): Promise<T> {
  return withOpenStore(location, { readOnly: true }, read);
}

/** The schema version of an open store (how many migrations it has had). */
export async function schemaVersion(store: Store): Promise<number> {
  if (store.kind === 'postgres') {
    const { postgresSchemaVersion, PostgresStore } = await import('./postgres.ts');
    return postgresSchemaVersion(store as InstanceType<typeof PostgresStore>);
  }
  const { sqliteSchemaVersion, SqliteStore } = await import('./sqlite.ts');
  return sqliteSchemaVersion((store as InstanceType<typeof SqliteStore>).db);
}

/** Lists are kept as JSON text on both engines; these two keep the conversion in one place. */
export const toJson = (value: unknown): string => JSON.stringify(value);
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
