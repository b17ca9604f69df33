// The two store backends the store suite runs against: SQLite files always, PostgreSQL when a server is configured
// (WIREFOLD_TEST_POSTGRES, which .ci/run always sets; see .ci/postgres.sh). Each PostgreSQL store is a fresh schema
// of its own in that server, named in the URL's search_path, so tests never see each other's tables.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { migrations, migrationSql } from '../src/store/migrations.ts';
import { postgresDdl } from '../src/store/postgres.ts';
import { freshSchemaLocation } from './postgres-schema.ts';
import { tempFolder } from './helpers.ts';

export const postgresServer = process.env.WIREFOLD_TEST_POSTGRES;

/** Why PostgreSQL tests are skipped here, or null when they run. */
export const postgresSkipReason = postgresServer ? null : 'no PostgreSQL server configured (set WIREFOLD_TEST_POSTGRES, or run .ci/run)';

/** A URL of a new, empty schema on the test server. */
export async function freshPostgresLocation(label = 'store'): Promise<string> {
  if (!postgresServer) throw new Error(postgresSkipReason!);
  return freshSchemaLocation(postgresServer, label);
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A location for a new store. */
  fresh(label?: string): Promise<string>;
}

/** The backends to run a store suite on, with the reason PostgreSQL is left out when it is. */
export const backends: Backend[] = [
  { name: 'sqlite', fresh: async (label = 'store') => join(tempFolder(), `${label}.db`) },
  ...(postgresServer ? [{ name: 'postgres' as const, fresh: freshPostgresLocation }] : []),
];
if (postgresSkipReason) console.warn(`PostgreSQL store tests skipped: ${postgresSkipReason}`);

/**
 * A store on `backend` as Wirefold left it at schema `version` (its first `version` migrations applied), with
 * `statements` (SQL both engines read) run in it: what a migration after that one must carry forward. Returns its location.
 */
export async function storeAtVersion(backend: Backend['name'], version: number, statements: readonly string[]): Promise<string> {
  const earlier = migrations.slice(0, version).map(migrationSql);
  if (backend === 'sqlite') {
    const path = join(tempFolder(), `v${version}.db`);
    const db = new DatabaseSync(path);
    try {
      for (const sql of [...earlier, `PRAGMA user_version = ${version}`, ...statements]) db.exec(sql);
    } finally {
      db.close();
    }
    return path;
  }
  const location = await freshPostgresLocation(`v${version}`);
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('CREATE TABLE wirefold_schema (version INTEGER NOT NULL, demo BOOLEAN NOT NULL DEFAULT false)');
    await client.query('INSERT INTO wirefold_schema (version) VALUES ($1)', [version]);
    for (const sql of earlier) await client.query(postgresDdl(sql));
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
  return location;
}
