// The demo's mark on its own store, so that only a store the demo made may be wiped by `wirefold demo`. On SQLite it
// is the application_id header field (PRAGMA application_id), which any tool can read without knowing our schema; on
// PostgreSQL, the `demo` flag of the schema's wirefold_schema row.
import { DatabaseSync } from 'node:sqlite';
import type { Store } from './store.ts';
import { sqlOf } from './connection.ts';
import { parseStoreLocation } from './location.ts';

/** "WFDM" as a big-endian 32-bit integer: Wirefold demo. */
const demoApplicationId = 0x5746444d;

export async function markAsDemoStore(store: Store): Promise<void> {
  if (store.kind === 'sqlite') await sqlOf(store).run(`PRAGMA application_id = ${demoApplicationId}`);
  else await sqlOf(store).run('UPDATE wirefold_schema SET demo = true');
}

/**
 * True when the store at `location` was marked by the demo; false for anything else (other stores, other files,
 * an empty PostgreSQL schema). Throws only when a PostgreSQL server cannot be reached.
 */
export async function isDemoStore(location: string): Promise<boolean> {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === 'postgres') {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: parsed.url });
    await client.connect();
    try {
      const present = await client.query("SELECT to_regclass('wirefold_schema') IS NOT NULL AS present");
      if (!present.rows[0].present) return false;
      return (await client.query('SELECT demo FROM wirefold_schema')).rows[0]?.demo === true;
    } finally {
      await client.end();
    }
  }
  try {
    const db = new DatabaseSync(parsed.path, { readOnly: true });
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

/**
 * Whether the PostgreSQL schema at `url` holds tables at all (a demo may start in an empty one). The demo wipes a
 * marked store with dropStoreTables.
 */
export async function postgresSchemaIsEmpty(url: string): Promise<boolean> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()')).rows[0].n) === 0;
  } finally {
    await client.end();
  }
}

/** Drops every Wirefold table of the demo's PostgreSQL store (refused unless it carries the demo's mark). */
export async function dropDemoStore(url: string): Promise<void> {
  if (!(await isDemoStore(url))) throw new Error('refusing to drop a store the demo did not make');
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()')).rows
      .map((row: { tablename: string }) => `"${row.tablename.replace(/"/g, '""')}"`);
    if (tables.length > 0) await client.query(`DROP TABLE ${tables.join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}
