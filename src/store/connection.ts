// What the store's modules talk to: a connection that runs one SQL text on either engine. Queries are written once,
// in the SQL both engines share (`?` placeholders, ON CONFLICT upserts, CASE rather than two-argument min/max); the
// PostgreSQL side rewrites the few spellings that differ (see postgres.ts). Nothing outside src/store sees this.
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A query parameter. A list is bound as one value: JSON text on SQLite (read there with `json_each(?)`), an array on
 * PostgreSQL (where `IN (SELECT value FROM json_each(?))` is rewritten to `= ANY(?)`). Bytes are a BLOB / bytea.
 */
export type Param = string | number | null | Uint8Array | readonly string[] | readonly number[];

export interface Connection {
  readonly dialect: 'sqlite' | 'postgres';
  /** Every row the query returns. */
  all<T>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly Param[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
}

/** The store as its modules see it: the public Store plus its connection. */
export interface StoreBackend {
  readonly connection: Connection;
}

/** The connection behind a store (for src/store's own modules only). */
export function sqlOf(store: object): Connection {
  return (store as StoreBackend).connection;
}

/**
 * The transaction the current asynchronous call chain runs in, if any: statements issued inside `transaction(fn)`
 * (however deep, across awaits) join it; others wait for it (SQLite, one connection) or use the pool (PostgreSQL).
 */
export const currentTransaction = new AsyncLocalStorage<object>();
