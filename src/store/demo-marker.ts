// The demo's mark on its own store: SQLite's application_id header field (PRAGMA application_id), which any tool can
// read without knowing our schema. Only a store carrying it may be wiped by `wirefold demo`.
import { DatabaseSync } from 'node:sqlite';
import type { Store } from './store.ts';

/** "WFDM" as a big-endian 32-bit integer: Wirefold demo. */
const demoApplicationId = 0x5746444d;

export function markAsDemoStore(store: Store): void {
  store.db.exec(`PRAGMA application_id = ${demoApplicationId}`);
}

/** True when the file at `path` is a SQLite store marked by the demo; false for anything else (other stores, other files). */
export function isDemoStore(path: string): boolean {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const row = db.prepare('PRAGMA application_id').get() as { application_id: number };
      return row.application_id === demoApplicationId;
    } finally {
      db.close();
    }
  } catch {
    return false; // not a SQLite file at all
  }
}
