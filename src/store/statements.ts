// Prepared statements kept per open database: preparing is ~50 µs of SQLite parsing and planning, which a per-feed or
// per-article write path would otherwise pay thousands of times per run.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Store } from './store.ts';

const prepared = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** The statement for sql on this store, prepared on first use. */
export function statement(store: Store, sql: string): StatementSync {
  let statements = prepared.get(store.db);
  if (!statements) {
    statements = new Map();
    prepared.set(store.db, statements);
  }
  let found = statements.get(sql);
  if (!found) {
    found = store.db.prepare(sql);
    statements.set(sql, found);
  }
  return found;
}
